/**
 * spam: attacker cells linked to honest ones flood the attestation topic,
 * half of them with invalid records (junk bytes, forged signatures), half
 * with valid records nobody needs (fresh keys no one trusts), while honest
 * cells keep publishing. Honest records must still reach every cell that
 * keeps them; each store's quarantine must stay within its cap; and in
 * libp2p mode, gossipsub scoring must push the invalid flooders below the
 * graylist threshold at the cells they reach. Valid-but-useless flooders
 * are reported as they are: nothing in the records marks them as bad.
 */
import { SCORE_THRESHOLDS } from '@cell/agent'
import { CONVERGENCE_TIMEOUT, QUARANTINE_CAPACITY, SPAM_ROUNDS } from '../constants.ts'
import { attestStranger } from './changes.ts'
import { allHold, deliveryReport, latencyMetrics, range, round } from './measure.ts'
import { invalidRecords, uselessRecords } from './spam-records.ts'
import { check, closeSession, mark, openSession } from './session.ts'
import type { SimNetwork } from '../core/network.ts'
import type { Followed } from './measure.ts'
import type { Scenario, ScenarioResult } from './types.ts'

type Kind = 'invalid' | 'useless'

/**
 * Gossipsub scores an attacker has at the honest cells whose validators
 * rejected at least one of its messages (libp2p only; such cells often
 * disconnect from it, so the score is read from gossipsub's retained stats).
 */
function scoresAtRejecters (network: SimNetwork, attacker: string, honest: number[]): number[] {
  return honest.filter(h => (network.rejectedFrom(h).get(attacker) ?? 0) > 0).map(h => network.scoreOf(h, attacker)).filter((s): s is number => typeof s === 'number')
}

/** Gossipsub scores an attacker has at the honest cells it flooded (libp2p only). */
function scoresAtFlooded (network: SimNetwork, attacker: string, flooded: Set<number>): number[] {
  return [...flooded].map(h => network.scoreOf(h, attacker)).filter((s): s is number => typeof s === 'number')
}

function minOrNull (values: number[]): number | null {
  return values.length === 0 ? null : round(Math.min(...values))
}

export const spam: Scenario = {
  name: 'spam',
  description: 'Attackers flood invalid and valid-but-useless records; honest delivery, quarantine bounds and gossip scores.',
  async run (context): Promise<ScenarioResult> {
    const { options } = context
    const attackerCount = Math.max(2, options.attackers)
    const session = await openSession(context, {
      attackers: attackerCount,
      extend: (graph, honest, random) => {
        for (let a = honest; a < honest + attackerCount; a++) {
          for (const h of random.sample(honest, options.degree)) { graph[a].add(h); graph[h].add(a) }
        }
        return []
      }
    })
    const { network, identities, honest, random, graph } = session
    const cells = range(honest)
    const attackers = range(attackerCount).map(i => honest + i)
    const kindOf = (a: number): Kind => (a - honest) % 2 === 0 ? 'invalid' : 'useless'
    const perRound = Math.ceil(options.spam / SPAM_ROUNDS)
    mark(session)

    const records: Followed[] = []
    let flooded = 0
    // Honest cells each attacker sent its flood to: its gossip peers when it flooded.
    const reached = new Map(attackers.map(a => [a, new Set<number>()]))
    const indexOf = new Map(identities.map((identity, i) => [identity.id, i]))
    context.progress.phase('flooding')
    for (let r = 0; r < SPAM_ROUNDS; r++) {
      const now = network.clock()
      const floods = await Promise.all(attackers.map(async a => kindOf(a) === 'invalid'
        ? invalidRecords(perRound, identities[a], identities.slice(0, honest), now, random)
        : uselessRecords(perRound, options.seed, a, r * perRound, now)))
      for (const a of attackers) {
        for (const peer of network.gossipPeers(a)) {
          const h = indexOf.get(peer)
          if (h != null && h < honest) reached.get(a)?.add(h)
        }
      }
      const sending = Promise.all(attackers.map(async (a, i) => {
        for (const bytes of floods[i]) await network.publishRaw(a, 'attestations', bytes)
      }))
      const record = await attestStranger({ network, identities, graph, random, maxDepth: options.maxDepth, cells }, random.int(honest))
      records.push(record)
      await sending
      flooded += floods.reduce((sum, f) => sum + f.length, 0)
      await network.waitFor(() => allHold(network, [record]), CONVERGENCE_TIMEOUT)
      context.progress.update(r + 1, SPAM_ROUNDS)
    }
    context.progress.done()

    const delivery = deliveryReport(network, records)
    const quarantine = cells.map(c => network.quarantineSize(c))
    const counters = cells.map(c => network.storeCounters(c))
    const evicted = counters.reduce((sum, c) => sum + c.evicted, 0)
    const rejected = counters.reduce((sum, c) => sum + Object.values(c.rejected).reduce((a, b) => a + b, 0), 0)
    const maxQuarantine = Math.max(...quarantine)

    const scored = network.mode === 'libp2p'
    const graylist = SCORE_THRESHOLDS.graylistThreshold
    const invalidObserved = attackers.filter(a => kindOf(a) === 'invalid').flatMap(a => scoresAtRejecters(network, identities[a].id, cells))
    const uselessObserved = attackers.filter(a => kindOf(a) === 'useless').flatMap(a => scoresAtFlooded(network, identities[a].id, reached.get(a) ?? new Set()))
    const invalidGraylisted = invalidObserved.filter(s => s < graylist).length

    const result = await closeSession(session, {
      scenario: 'spam',
      metrics: {
        attackers: attackerCount,
        recordsFlooded: flooded,
        honestRecords: records.length,
        honestDeliveryRatio: round(delivery.ratio, 4),
        ...latencyMetrics('honestLatency', delivery.latencies),
        maxQuarantine,
        quarantineCapacity: QUARANTINE_CAPACITY,
        quarantineEvictions: evicted,
        rejectedByStores: rejected,
        invalidFlooderScoreObservations: scored ? invalidObserved.length : null,
        invalidFlooderMaxScore: scored && invalidObserved.length > 0 ? round(Math.max(...invalidObserved)) : null,
        invalidFlooderGraylistedAt: scored ? invalidGraylisted : null,
        uselessFlooderScoreObservations: scored ? uselessObserved.length : null,
        uselessFlooderMinScore: scored ? minOrNull(uselessObserved) : null,
        uselessFlooderMaxScore: scored && uselessObserved.length > 0 ? round(Math.max(...uselessObserved)) : null,
        graylistThreshold: graylist
      },
      latencies: delivery.latencies,
      convergence: [],
      sybilCurve: [],
      checks: [
        check('honest records delivered during the flood', '100 %', `${round(delivery.ratio * 100, 2)} %`, delivery.ratio === 1),
        check('quarantine within its cap at every cell', `≤ ${QUARANTINE_CAPACITY}`, maxQuarantine, maxQuarantine <= QUARANTINE_CAPACITY),
        ...scored
          ? [check('invalid flooders below the graylist threshold at every cell that rejected their records', `all < ${graylist}`, `${invalidGraylisted}/${invalidObserved.length}`,
            invalidObserved.length > 0 && invalidGraylisted === invalidObserved.length)]
          : []
      ]
    })
    return result
  }
}
