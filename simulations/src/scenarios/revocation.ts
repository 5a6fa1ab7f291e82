/**
 * revocation: every cell that attests one cell revokes it at once (a lost
 * device, say); how long until no cell trusts it any more, in its view
 * AND in its WireGuard peers.
 */
import { CONVERGENCE_TIMEOUT } from '../constants.ts'
import { allHold, convergenceCurve, deliveryReport, interestedIn, latencyMetrics, range, round, settledMeshAgreement, trafficSince, viewAgreement } from './measure.ts'
import { check, closeSession, mark, openSession } from './session.ts'
import type { Followed } from './measure.ts'
import type { Scenario, ScenarioResult } from './types.ts'

export const revocation: Scenario = {
  name: 'revocation',
  description: 'All attesters of one cell revoke it; time until every cell dropped it from view and mesh.',
  async run (context): Promise<ScenarioResult> {
    const session = await openSession(context)
    const { network, identities, honest, random } = session
    const cells = range(honest)
    const victim = random.int(honest)
    const victimId = identities[victim].id
    const others = cells.filter(c => c !== victim)
    const revokers = others.filter(c => network.attestations(c).some(a => a.issuer === identities[c].id && a.subject === victimId && a.level !== 'none'))
    const trusting = others.filter(c => network.view(c).has(victimId) || network.meshPeers(c).has(victimId))
    const dropped = (cell: number): boolean => !network.view(cell).has(victimId) && !network.meshPeers(cell).has(victimId)
    mark(session)

    // Per-cell completion: the moment both view and mesh lost the victim.
    const droppedAt = new Map<number, number>()
    const watch = ({ cell }: { cell: number }): void => {
      if (!droppedAt.has(cell) && trusting.includes(cell) && dropped(cell)) droppedAt.set(cell, network.now() - session.t0)
    }
    network.on('mesh', watch)

    context.progress.phase('revoking')
    const records: Followed[] = []
    for (const cell of revokers) {
      const targets = interestedIn(network, identities[cell].id, others).filter(c => c !== cell)
      records.push({ id: await network.attest(cell, victimId, { level: 'none' }), issuer: identities[cell].id, targets })
    }
    // A cell keeps trusting the victim while any path to it is left, so it
    // drops the victim only after the last revocation. In libp2p mode
    // publishing each one takes the busy event loop a while; this says how
    // much of the drop time that was.
    const lastRevokedAt = network.now() - session.t0
    const complete = await network.waitFor(() => {
      for (const cell of trusting) watch({ cell })
      context.progress.update(droppedAt.size, trusting.length)
      return droppedAt.size === trusting.length
    }, CONVERGENCE_TIMEOUT)
    context.progress.done()
    network.off('mesh', watch)
    // Every trusting cell can drop the victim before the last revocation
    // record reaches cells that keep the revokers' records but never
    // trusted the victim: wait for those deliveries too before counting.
    await network.waitFor(() => allHold(network, records), CONVERGENCE_TIMEOUT)

    const times = [...droppedAt.values()]
    const sorted = [...times].sort((a, b) => a - b)
    const at99 = sorted[Math.max(0, Math.ceil(0.99 * trusting.length) - 1)] ?? Number.NaN
    const delivery = deliveryReport(network, records)
    const traffic = trafficSince(network, session.traffic)
    const mesh = await settledMeshAgreement(network, cells)

    return closeSession(session, {
      scenario: 'revocation',
      metrics: {
        revokers: revokers.length,
        cellsTrustingBefore: trusting.length,
        droppedShare: round(droppedAt.size / Math.max(1, trusting.length), 4),
        timeTo99PercentMs: round(at99),
        timeTo100PercentMs: complete ? round(sorted[sorted.length - 1] ?? 0) : null,
        lastRevocationIssuedAtMs: round(lastRevokedAt),
        timeTo99PercentAfterLastRevocationMs: round(at99 - lastRevokedAt),
        ...latencyMetrics('drop', times),
        revocationDeliveryRatio: round(delivery.ratio, 4),
        ...latencyMetrics('revocationDelivery', delivery.latencies),
        bytesPerCell: Math.round(traffic.bytes / identities.length),
        viewAgreement: round(viewAgreement(network, cells, network.clock()), 4),
        meshAgreement: round(mesh, 4)
      },
      latencies: delivery.latencies,
      convergence: convergenceCurve(times, trusting.length),
      sybilCurve: [],
      checks: [
        check('revoked cell gone from every view and mesh', 'all cells', `${droppedAt.size}/${trusting.length}`, complete),
        check('time until 99 % dropped it', '< 1 s (500 cells, 25 ms links)', `${round(at99)} ms`, at99 < 1000),
        check('revocations delivered', '100 %', `${round(delivery.ratio * 100, 2)} %`, delivery.ratio === 1)
      ]
    })
  }
}
