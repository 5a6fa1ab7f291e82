/**
 * eclipse: attackers surround one honest cell, the victim. Its links go to
 * attacker cells, which take part in gossip but pass nothing on and hold
 * nothing worth syncing, except for one link to an honest cell it trusts.
 * Cells in the victim's horizon keep making changes; the victim must still
 * receive every one of them, through that one link (gossip, and sync
 * where gossip misses).
 */
import { CONVERGENCE_TIMEOUT } from '../constants.ts'
import { attestStranger, revokeNeighbour } from './changes.ts'
import { deliveryReport, latencyMetrics, range, round, viewAgreement } from './measure.ts'
import { check, closeSession, mark, openSession } from './session.ts'
import type { Followed } from './measure.ts'
import type { Scenario, ScenarioResult } from './types.ts'

/** New attestations from the victim's horizon (plus one revocation). */
const CHANGES = 4

export const eclipse: Scenario = {
  name: 'eclipse',
  description: 'Attackers hold all but one of a cell\'s links and withhold everything; does it still receive honest records?',
  async run (context): Promise<ScenarioResult> {
    const { options } = context
    const attackerCount = Math.max(2, options.attackers)
    let victim = -1
    const session = await openSession(context, {
      attackers: attackerCount,
      extend: (graph, honest, random) => {
        victim = random.int(honest)
        for (let a = honest; a < honest + attackerCount; a++) { graph[a].add(victim); graph[victim].add(a) }
        return []
      }
    })
    const { network, identities, honest, random, graph } = session
    const cells = range(honest)
    const attackers = range(attackerCount).map(i => honest + i)
    const honestLink = random.pick([...graph[victim]].filter(c => c < honest))
    for (const a of attackers) network.silence(a)
    network.links.restrict(victim, new Set([...attackers, honestLink]))
    mark(session)

    // Changes by cells the victim keeps records of, none by its one honest link.
    context.progress.phase('changes around the victim')
    const horizon = [...network.horizon(victim)]
    const issuers = cells.filter(c => c !== victim && c !== honestLink && horizon.includes(identities[c].id))
    const init = { network, identities, graph, random, maxDepth: options.maxDepth, cells }
    const records: Followed[] = []
    for (const issuer of random.sample(issuers.length, CHANGES).map(i => issuers[i])) records.push(await attestStranger(init, issuer))
    records.push(await revokeNeighbour(init, random.pick(issuers.length > 0 ? issuers : [honestLink])))
    const atVictim = records.map(r => ({ ...r, targets: [victim] }))
    const received = await network.waitFor(() => atVictim.every(r => network.holds(victim, r.id) || !network.horizon(victim).has(r.issuer)), CONVERGENCE_TIMEOUT)
    context.progress.done()

    const victimDelivery = deliveryReport(network, atVictim)
    const overall = deliveryReport(network, records)
    const victimView = viewAgreement(network, [victim], network.clock(), cells)

    return closeSession(session, {
      scenario: 'eclipse',
      metrics: {
        attackers: attackerCount,
        victimLinksToAttackers: attackerCount,
        victimHonestLinks: 1,
        changes: records.length,
        victimDeliveryRatio: round(victimDelivery.ratio, 4),
        ...latencyMetrics('victimLatency', victimDelivery.latencies),
        deliveryRatioElsewhere: round(overall.ratio, 4),
        victimViewAgrees: victimView === 1,
        victimTrustsAttackers: attackers.filter(a => network.view(victim).has(identities[a].id)).length
      },
      latencies: victimDelivery.latencies,
      convergence: [],
      sybilCurve: [],
      checks: [
        check('victim receives every honest record it keeps', '100 %', `${round(victimDelivery.ratio * 100, 2)} %`, received && victimDelivery.ratio === 1),
        check('victim\'s view matches full knowledge', 'yes', victimView === 1 ? 'yes' : 'no', victimView === 1)
      ]
    })
  }
}
