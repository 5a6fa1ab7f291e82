/**
 * partition: the network splits into two halves (every link between them
 * cut). Both sides make changes: new attestations on each, a revocation
 * on one. Then the split heals; anti-entropy sync on the restored
 * connections and the periodic sync repair what gossip could not carry.
 * Reports the time from healing until every cell holds the same records
 * (for the issuers it keeps), the same views and matching meshes.
 */
import { CONVERGENCE_TIMEOUT } from '../constants.ts'
import { attestStranger, revokeNeighbour } from './changes.ts'
import { cellsWithFullRecordSet, reachableFrom, throttled } from './convergence.ts'
import { allHold, deliveryReport, meshAgreement, range, round, trafficSince, viewAgreement } from './measure.ts'
import { check, closeSession, mark, openSession } from './session.ts'
import type { Followed } from './measure.ts'
import type { Scenario, ScenarioResult } from './types.ts'

/** How long each side gets to spread its own changes before healing, ms. */
const SIDE_SETTLE = 10_000
const CHECK_EVERY = 100

export const partition: Scenario = {
  name: 'partition',
  description: 'Split into two halves, change trust on both sides, heal; time until all cells converge.',
  async run (context): Promise<ScenarioResult> {
    const session = await openSession(context)
    const { network, identities, honest, random, graph } = session
    const cells = range(honest)
    const sideB = new Set(random.sample(honest, Math.floor(honest / 2)))
    const sideA = cells.filter(c => !sideB.has(c))
    const group = new Int32Array(identities.length)
    for (const c of sideB) group[c] = 1
    mark(session)

    context.progress.phase('partitioned')
    await network.setPartition(group)
    const init = { network, identities, graph, random, maxDepth: context.options.maxDepth, cells }
    const changes: Array<{ record: Followed, side: number }> = []
    for (const issuer of random.sample(sideA.length, 2).map(i => sideA[i])) changes.push({ record: await attestStranger(init, issuer), side: 0 })
    const [b1, b2] = random.sample(sideB.size, 2).map(i => [...sideB][i])
    changes.push({ record: await attestStranger(init, b1), side: 1 })
    changes.push({ record: await revokeNeighbour(init, b2 ?? b1), side: 1 })
    const records = changes.map(c => c.record)
    // On its own side a change can reach only the cells linked to its issuer there.
    const sameSide = changes.map(({ record }) => {
      const reach = reachableFrom(network, identities.findIndex(identity => identity.id === record.issuer))
      return { ...record, targets: record.targets.filter(c => reach.has(c)) }
    })
    const sidesSettled = await network.waitFor(() => allHold(network, sameSide), SIDE_SETTLE)
    const leaked = changes.reduce((sum, { record, side }) => sum + record.targets.filter(c => group[c] !== side && network.holds(c, record.id)).length, 0)
    context.progress.update(1, 2)

    const healedAt = network.now()
    await network.setPartition(null)
    const settled = throttled(network, CHECK_EVERY, () =>
      allHold(network, records) && cellsWithFullRecordSet(network, cells).length === honest && meshAgreement(network, cells) === 1)
    const converged = await network.waitFor(settled, CONVERGENCE_TIMEOUT)
    const convergedAfter = network.now() - healedAt
    context.progress.update(2, 2)
    context.progress.done()

    const delivery = deliveryReport(network, records)
    const traffic = trafficSince(network, session.traffic)
    const fullSets = cellsWithFullRecordSet(network, cells).length / honest

    return closeSession(session, {
      scenario: 'partition',
      metrics: {
        sideA: sideA.length,
        sideB: sideB.size,
        changes: records.length,
        spreadOnOwnSide: sidesSettled,
        heldAcrossTheCutBeforeHealing: leaked,
        convergedAfterHealingMs: converged ? round(convergedAfter) : null,
        deliveryRatio: round(delivery.ratio, 4),
        recordSetAgreement: round(fullSets, 4),
        viewAgreement: round(viewAgreement(network, cells, network.clock()), 4),
        meshAgreement: round(meshAgreement(network, cells), 4),
        bytesPerCell: Math.round(traffic.bytes / identities.length)
      },
      // Delivery times here include the partition itself; the convergence time is the figure.
      latencies: [],
      convergence: [],
      sybilCurve: [],
      checks: [
        check('nothing crossed the cut while partitioned', '0 records', leaked, leaked === 0),
        check('all cells hold the same records after healing', 'all cells', `${round(fullSets * 100, 2)} %`, fullSets === 1),
        check('changes of both sides delivered', '100 %', `${round(delivery.ratio * 100, 2)} %`, delivery.ratio === 1),
        check('time to converge after healing', `< ${CONVERGENCE_TIMEOUT / 1000} s`, converged ? `${round(convergedAfter)} ms` : 'not converged', converged)
      ]
    })
  }
}
