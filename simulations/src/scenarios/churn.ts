/**
 * churn: a share of the cells (--churn, default 30 %) goes offline, every
 * link to them cut. The cells still online make changes (new attestations
 * and a revocation). Then the absent cells come back; sync on the new
 * connections and the periodic sync must bring each of them every record
 * it keeps. Reports the time each returning cell took to catch up.
 */
import { CONVERGENCE_TIMEOUT } from '../constants.ts'
import { attestStranger, revokeNeighbour } from './changes.ts'
import { cellsWithFullRecordSet, reachableFrom, throttled } from './convergence.ts'
import { allHold, convergenceCurve, deliveryReport, latencyMetrics, meshAgreement, range, round, trafficSince } from './measure.ts'
import { check, closeSession, mark, openSession } from './session.ts'
import type { Followed } from './measure.ts'
import type { Scenario, ScenarioResult } from './types.ts'

/** New attestations made while the cells are away (plus one revocation). */
const CHANGES = 4
/** How long the online cells get to spread the changes among themselves, ms. */
const ONLINE_SETTLE = 10_000
const CHECK_EVERY = 50

export const churn: Scenario = {
  name: 'churn',
  description: 'A share of cells goes offline, the rest change trust, the absent come back; time until each caught up.',
  async run (context): Promise<ScenarioResult> {
    const session = await openSession(context)
    const { network, identities, honest, random, graph } = session
    const cells = range(honest)
    const away = random.sample(honest, Math.max(1, Math.round(context.options.churn * honest)))
    const online = cells.filter(c => !away.includes(c))
    mark(session)

    context.progress.phase('cells away')
    await network.setOnline(away, false)
    const init = { network, identities, graph, random, maxDepth: context.options.maxDepth, cells }
    const records: Followed[] = []
    for (const issuer of random.sample(online.length, CHANGES).map(i => online[i])) records.push(await attestStranger(init, issuer))
    records.push(await revokeNeighbour(init, random.pick(online)))
    // While cells are away, a change can reach only the cells still linked to its issuer.
    const onlineOnly = records.map(record => {
      const reach = reachableFrom(network, identities.findIndex(identity => identity.id === record.issuer))
      return { ...record, targets: record.targets.filter(c => reach.has(c)) }
    })
    const onlineSettled = await network.waitFor(() => allHold(network, onlineOnly), ONLINE_SETTLE)
    const missedWhileAway = records.reduce((sum, record) => sum + away.filter(c => network.holds(c, record.id)).length, 0)

    context.progress.phase('catching up')
    const backAt = network.now()
    // The cells' own redials run while the clock runs: in libp2p mode one
    // process dials for all 150 cells at once, which takes longer than
    // catching up once a cell's links are back.
    const reconnecting = network.setOnline(away, true)
    const caughtUpAt = new Map<number, number>()
    const watch = throttled(network, CHECK_EVERY, () => {
      const pending = away.filter(c => !caughtUpAt.has(c))
      const full = new Set(cellsWithFullRecordSet(network, pending, cells))
      for (const cell of pending) {
        if (full.has(cell) && allHold(network, records.map(r => ({ ...r, targets: [cell] })))) caughtUpAt.set(cell, network.now() - backAt)
      }
      context.progress.update(caughtUpAt.size, away.length)
      return caughtUpAt.size === away.length
    })
    const complete = await network.waitFor(watch, CONVERGENCE_TIMEOUT)
    await reconnecting
    context.progress.done()

    const times = [...caughtUpAt.values()]
    const delivery = deliveryReport(network, records)
    const returning = deliveryReport(network, records.map(r => ({ ...r, targets: r.targets.filter(c => away.includes(c)) })))
    const traffic = trafficSince(network, session.traffic)
    const share = caughtUpAt.size / away.length

    return closeSession(session, {
      scenario: 'churn',
      metrics: {
        cellsAway: away.length,
        changes: records.length,
        spreadAmongOnline: onlineSettled,
        heldByAbsentBeforeReturn: missedWhileAway,
        caughtUpShare: round(share, 4),
        ...latencyMetrics('catchUp', times),
        returningDeliveryRatio: round(returning.ratio, 4),
        deliveryRatio: round(delivery.ratio, 4),
        recordSetAgreement: round(cellsWithFullRecordSet(network, cells).length / honest, 4),
        meshAgreement: round(meshAgreement(network, cells), 4),
        bytesPerCell: Math.round(traffic.bytes / identities.length)
      },
      latencies: [],
      convergence: convergenceCurve(times, away.length),
      sybilCurve: [],
      checks: [
        check('returning cells caught up', '100 %', `${caughtUpAt.size}/${away.length}`, complete),
        check('records they keep delivered to returning cells', '100 %', `${round(returning.ratio * 100, 2)} %`, returning.ratio === 1),
        check('absent cells received nothing while away', '0 records', missedWhileAway, missedWhileAway === 0)
      ]
    })
  }
}
