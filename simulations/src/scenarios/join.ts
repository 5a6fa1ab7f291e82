/**
 * join: cells join one by one as through an invite. Each newcomer comes
 * online, connects (a sync runs on the new connections), and it and a
 * sponsor, an earlier cell, attest each other; each side hands the other
 * its attestation directly, as the invite protocol does on its stream, and
 * gossip spreads both. The run starts with no trust at all: the first cell
 * (the root) is alone, every other cell offline.
 *
 * Sponsors are drawn among earlier cells within maxDepth hops of the root
 * in the invite tree, so every newcomer is within the root's reach
 * (docs/trust-model.md: chains end after 4 hops and each attestation's
 * maxDepth limits them further); a longer chain would be out of any
 * single cell's view by design, not by a fault of the network.
 */
import { CONVERGENCE_TIMEOUT } from '../constants.ts'
import { cellsWithFullRecordSet, throttled } from './convergence.ts'
import { convergenceCurve, deliveryReport, fullKnowledgeView, latencyMetrics, meshAgreement, range, round, trafficSince, viewAgreement } from './measure.ts'
import { check, closeSession, mark, openSession } from './session.ts'
import type { Followed } from './measure.ts'
import type { Scenario, ScenarioResult } from './types.ts'

/** How long a newcomer may take to see a gossip peer, and the root to trust it, ms. */
const STEP_TIMEOUT = 10_000
/** Convergence checks rebuild every view; at most this often, ms of network time. */
const CHECK_EVERY = 100
/** Hops of the longest chain of trust (docs/trust-model.md). */
const MAX_CHAIN = 4

export const join: Scenario = {
  name: 'join',
  description: 'Cells join one by one through invite-style mutual attestations; time until the root trusts each, and until views converge.',
  async run (context): Promise<ScenarioResult> {
    const { options } = context
    const sponsors: number[] = [-1]
    const session = await openSession(context, {
      trustTopology: false,
      offline: range(options.cells).slice(1),
      extend: (graph, honest, random) => {
        // The invite tree: each newcomer links to its sponsor.
        const depth = [0]
        for (let i = 1; i < honest; i++) {
          // A cell at depth d vouches onward with budget maxDepth − d + 1 (and chains end at 4 hops).
          const eligible = range(i).filter(c => depth[c] <= Math.min(options.maxDepth, MAX_CHAIN - 1))
          const sponsor = random.pick(eligible)
          sponsors.push(sponsor)
          depth.push(depth[sponsor] + 1)
          graph[i].add(sponsor)
          graph[sponsor].add(i)
        }
        return []
      }
    })
    const { network, identities, honest } = session
    const cells = range(honest)
    const root = 0
    mark(session)

    const records: Followed[] = []
    const trustedByRootAfter: number[] = []
    context.progress.phase('joining')
    for (let i = 1; i < honest; i++) {
      const sponsor = sponsors[i]
      const joinedAt = network.now()
      await network.setOnline([i], true)
      await network.waitFor(() => network.gossipPeers(i).length > 0, STEP_TIMEOUT)

      const vouch = await network.attest(sponsor, identities[i].id, { maxDepth: options.maxDepth })
      const back = await network.attest(i, identities[sponsor].id, { maxDepth: options.maxDepth })
      await network.handOver(sponsor, i, vouch)
      await network.handOver(i, sponsor, back)
      const targets = cells.filter(c => c !== sponsor && c !== i)
      records.push({ id: vouch, issuer: identities[sponsor].id, targets: [...targets, i] }, { id: back, issuer: identities[i].id, targets: [...targets, sponsor] })

      if (await network.waitFor(() => network.view(root).has(identities[i].id), STEP_TIMEOUT)) trustedByRootAfter.push(network.now() - joinedAt)
      context.progress.update(i, honest - 1)
    }
    context.progress.done()

    // Newcomers' peer records and the sponsors' older records reach the
    // others by sync; wait until every cell has the records it keeps.
    const lastJoin = network.now()
    context.progress.phase('converging')
    const settled = throttled(network, CHECK_EVERY, () =>
      cellsWithFullRecordSet(network, cells).length === honest && meshAgreement(network, cells) === 1 && viewAgreement(network, cells, network.clock()) === 1)
    const converged = await network.waitFor(settled, CONVERGENCE_TIMEOUT)
    const convergedAfter = network.now() - lastJoin
    context.progress.done()

    const rootView = network.view(root)
    const trustedByRoot = cells.filter(c => c !== root && rootView.has(identities[c].id)).length
    // The metric's capacities (64, 16, 4, 1 by distance) may leave deep
    // cells of a lopsided invite tree out even with full knowledge.
    const admitted = [...fullKnowledgeView(network, root, cells, network.clock())].filter(id => id !== identities[root].id)
    const rootAsMetric = admitted.length === trustedByRoot && admitted.every(id => rootView.has(id))
    const delivery = deliveryReport(network, records)
    const traffic = trafficSince(network, session.traffic)
    const views = viewAgreement(network, cells, network.clock())
    const fullSets = cellsWithFullRecordSet(network, cells).length / honest
    const rootShare = trustedByRoot / Math.max(1, honest - 1)

    return closeSession(session, {
      scenario: 'join',
      metrics: {
        joins: honest - 1,
        trustedByRoot,
        trustedByRootShare: round(rootShare, 4),
        admittedByMetric: admitted.length,
        ...latencyMetrics('rootTrusts', trustedByRootAfter),
        attestationDeliveryRatio: round(delivery.ratio, 4),
        ...latencyMetrics('delivery', delivery.latencies),
        convergedAfterLastJoinMs: converged ? round(convergedAfter) : null,
        viewAgreement: round(views, 4),
        recordSetAgreement: round(fullSets, 4),
        meshAgreement: round(meshAgreement(network, cells), 4),
        bytesPerCell: Math.round(traffic.bytes / identities.length)
      },
      latencies: delivery.latencies,
      convergence: convergenceCurve(trustedByRootAfter, honest - 1),
      sybilCurve: [],
      checks: [
        check('root trusts every cell the metric admits with full knowledge', `${admitted.length}/${honest - 1}`, `${trustedByRoot}/${honest - 1}`, rootAsMetric),
        check('invite attestations delivered', '100 %', `${round(delivery.ratio * 100, 2)} %`, delivery.ratio === 1),
        check('views, record sets and meshes converge', `within ${CONVERGENCE_TIMEOUT / 1000} s`, converged ? `${round(convergedAfter)} ms after the last join` : 'no', converged)
      ]
    })
  }
}
