/**
 * sybil: an attacker with k attack edges (honest cells that attested one
 * of its identities) and many Sybil identities attesting each other. How
 * many Sybils each honest cell trusts, against the bound of
 * docs/trust-model.md, and how many honest cells it wrongly stops trusting.
 *
 * libp2p mode: the entries are real cells, the Sybil records are in the
 * network's initial state, and the views are the running cells' own.
 * model mode: the metric alone over sampled viewers (sybil-metric.ts), so
 * 10,000 Sybils fit. Both add the curve of Sybils trusted vs attack edges.
 */
import { DEFAULT_MAX_DEPTH } from '../constants.ts'
import { mutualEdges } from '../core/initial-state.ts'
import { Random } from '../core/random.ts'
import { buildTopology } from '../core/topology.ts'
import { range, round } from './measure.ts'
import { aprioriBound, buildAttack, layeredBound } from './sybil-attack.ts'
import { runMetric, summarisePoint } from './sybil-metric.ts'
import { check, closeSession, mark, modeLabel, openSession } from './session.ts'
import type { ViewerOutcome } from './sybil-metric.ts'
import type { Attack } from './sybil-attack.ts'
import type { Scenario, ScenarioContext, ScenarioResult, SybilPoint } from './types.ts'

const CURVE_EDGES = [1, 2, 4, 8, 16]
const SAMPLED_VIEWERS = 40

function curve (context: ScenarioContext): SybilPoint[] {
  const { options } = context
  const random = new Random(options.seed + 1)
  const graph = buildTopology(options.topology, options.cells, options.degree, random.fork())
  const honestEdges = mutualEdges(graph, options.cells, options.maxDepth)
  const ks = CURVE_EDGES.filter(k => k <= options.cells)
  context.progress.phase('sybil curve (metric)')
  return ks.map((k, i) => {
    const viewers = random.sample(options.cells, SAMPLED_VIEWERS)
    const point = summarisePoint(k, runMetric({ honest: options.cells, honestEdges, sybils: options.sybils, k, maxDepth: options.maxDepth, viewers, random: random.fork() }))
    context.progress.update(i + 1, ks.length)
    return point
  })
}

async function networkOutcomes (context: ScenarioContext): Promise<{ outcomes: ViewerOutcome[], finish: (r: Omit<ScenarioResult, 'label' | 'mode' | 'options' | 'startedAt' | 'durationMs' | 'networkTimeMs'>) => Promise<ScenarioResult> }> {
  const { options } = context
  const k = options.attackEdges
  let attack: Attack | undefined
  const session = await openSession(context, {
    attackers: k,
    signers: options.sybils,
    extend: (graph, honest, random) => {
      attack = buildAttack({ honest, firstEntry: honest, k, firstSybil: honest + k, sybils: options.sybils }, options.maxDepth ?? DEFAULT_MAX_DEPTH, random)
      attack.makers.forEach((h, i) => { graph[h].add(honest + i); graph[honest + i].add(h) })
      return attack.edges
    }
  })
  mark(session)
  const { network, honest, identities, signers } = session
  const attackers = new Set([...identities.slice(honest), ...signers].map(identity => identity.id))
  const entryIds = identities.slice(honest).map(identity => identity.id)
  const makers = attack?.makers ?? []
  const honestOnly = mutualEdges(session.graph, honest, options.maxDepth)
  const baseline = runMetric({ honest, honestEdges: honestOnly, sybils: 0, k: 0, maxDepth: options.maxDepth, viewers: range(honest), random: new Random(0) })

  const outcomes = range(honest).map(viewer => {
    const view = network.view(viewer)
    const honestTrusted = new Set([...view.entries.keys()].filter(id => !attackers.has(id)).map(id => identities.findIndex(identity => identity.id === id)))
    const base = baseline.find(b => b.viewer === viewer)
    return {
      viewer,
      trustedSybils: [...view.entries.keys()].filter(id => attackers.has(id)).length,
      layeredBound: layeredBound(view, entryIds),
      aprioriBound: aprioriBound(viewer, makers),
      // The baseline's view entries are not kept; count by size difference.
      wronglyRejected: Math.max(0, (base?.baselineHonest ?? 0) - honestTrusted.size),
      baselineHonest: base?.baselineHonest ?? 0
    }
  })
  return { outcomes, finish: async r => closeSession(session, r) }
}

export const sybil: Scenario = {
  name: 'sybil',
  description: 'Sybil identities behind k attack edges; Sybils trusted per honest cell vs the Advogato bound.',
  async run (context): Promise<ScenarioResult> {
    const { options } = context
    const started = Date.now()
    const k = options.attackEdges
    let outcomes: ViewerOutcome[]
    let finish: ((r: Omit<ScenarioResult, 'label' | 'mode' | 'options' | 'startedAt' | 'durationMs' | 'networkTimeMs'>) => Promise<ScenarioResult>) | undefined
    if (options.mode === 'libp2p') {
      ({ outcomes, finish } = await networkOutcomes(context))
    } else {
      const random = new Random(options.seed)
      const graph = buildTopology(options.topology, options.cells, options.degree, random.fork())
      context.progress.phase(`sybil k=${k} (metric)`)
      outcomes = runMetric({ honest: options.cells, honestEdges: mutualEdges(graph, options.cells, options.maxDepth), sybils: options.sybils, k, maxDepth: options.maxDepth, viewers: random.sample(options.cells, SAMPLED_VIEWERS), random: random.fork() })
    }
    const sybilCurve = curve(context)
    context.progress.done()

    const overLayered = outcomes.filter(o => o.trustedSybils > o.layeredBound).length
    const overApriori = outcomes.filter(o => o.trustedSybils > o.aprioriBound).length
    const point = summarisePoint(k, outcomes)
    const result = {
      scenario: 'sybil',
      metrics: {
        honestCells: options.cells,
        sybils: options.sybils,
        attackEdges: k,
        viewers: outcomes.length,
        maxSybilsTrusted: point.maxTrusted,
        meanSybilsTrusted: round(point.meanTrusted, 2),
        boundKTimes16: 16 * k,
        viewersOverLayeredBound: overLayered,
        viewersOverAprioriBound: overApriori,
        honestWronglyRejectedShare: round(point.wronglyRejected, 4)
      },
      latencies: [],
      convergence: [],
      sybilCurve,
      checks: [
        check('Sybils trusted within the layered bound Σ C(d(entry))', 'every viewer', `${outcomes.length - overLayered}/${outcomes.length}`, overLayered === 0),
        check('Sybils trusted within k·16 (k·64 for the edge maker)', 'every viewer', `${outcomes.length - overApriori}/${outcomes.length}`, overApriori === 0),
        check('honest cells wrongly rejected', '< 5 %', `${round(point.wronglyRejected * 100, 2)} %`, point.wronglyRejected < 0.05)
      ]
    }
    if (finish != null) return finish(result)
    return { ...result, mode: 'model', label: `${modeLabel('model')}; here the metric alone, every record known to every viewer`, options, startedAt: new Date(started).toISOString(), durationMs: Date.now() - started, networkTimeMs: 0 }
  }
}
