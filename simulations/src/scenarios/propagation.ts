/**
 * propagation: one cell attests a cell it did not trust before; how long
 * until every cell that keeps the issuer's records (its trust horizon)
 * holds the attestation. Repeated for several publishers.
 */
import { CONVERGENCE_TIMEOUT } from '../constants.ts'
import { allHold, convergenceCurve, deliveryReport, interestedIn, latencyMetrics, range, round, settledMeshAgreement, trafficSince, viewAgreement } from './measure.ts'
import { check, closeSession, mark, openSession } from './session.ts'
import type { Followed } from './measure.ts'
import type { Scenario, ScenarioResult } from './types.ts'

const ROUNDS = 5

export const propagation: Scenario = {
  name: 'propagation',
  description: 'One new attestation; time until every interested cell stores it.',
  async run (context): Promise<ScenarioResult> {
    const session = await openSession(context)
    const { network, identities, honest, random, graph } = session
    const cells = range(honest)
    mark(session)

    const records: Followed[] = []
    const cpuBefore = network.resources().cpuMs
    const wallBefore = Date.now()
    context.progress.phase('propagating')
    for (let round = 0; round < ROUNDS; round++) {
      const issuer = random.int(honest)
      const strangers = cells.filter(c => c !== issuer && !graph[issuer].has(c))
      const subject = strangers.length > 0 ? random.pick(strangers) : (issuer + 1) % honest
      const targets = interestedIn(network, identities[issuer].id, cells).filter(c => c !== issuer)
      const id = await network.attest(issuer, identities[subject].id, { maxDepth: context.options.maxDepth })
      const record = { id, issuer: identities[issuer].id, targets }
      records.push(record)
      await network.waitFor(() => allHold(network, [record]), CONVERGENCE_TIMEOUT)
      context.progress.update(round + 1, ROUNDS)
    }
    context.progress.done()
    // In libp2p mode every cell shares this process's one event loop: when
    // the process was busy for most of the rounds' wall time, latencies are
    // set by how much CPU a round costs all cells together, not by links.
    const cpuPerRound = (network.resources().cpuMs - cpuBefore) / ROUNDS
    const busyShare = (network.resources().cpuMs - cpuBefore) / Math.max(1, Date.now() - wallBefore)

    const traffic = trafficSince(network, session.traffic)
    const delivery = deliveryReport(network, records)
    const mesh = await settledMeshAgreement(network, cells)
    const views = viewAgreement(network, cells, network.clock())
    const perDelivery = delivery.deliveries > 0 ? traffic.messages / delivery.deliveries : 0
    // Amplification as gossipsub's hardening and simsub runs count it: whole
    // records sent per cell reached. Cells outside the issuer's horizon
    // relay the record without keeping it, so they count as reached; the
    // cost per cell that keeps it is reported beside it.
    const transmissions = delivery.receipts > 0 ? (traffic.transmissions ?? 0) / delivery.receipts : 0
    const perKept = delivery.deliveries > 0 ? (traffic.transmissions ?? 0) / delivery.deliveries : 0
    const latencies = delivery.latencies
    const p99 = round(latencyMetrics('latency', latencies).latencyP99Ms)

    return closeSession(session, {
      scenario: 'propagation',
      metrics: {
        rounds: ROUNDS,
        interestedCellsPerRecord: round(delivery.expected / ROUNDS, 1),
        deliveryRatio: round(delivery.ratio, 4),
        ...latencyMetrics('latency', latencies),
        cellsReachedPerRecord: round(delivery.receipts / ROUNDS, 1),
        transmissionsPerDelivery: round(transmissions, 2),
        transmissionsPerInterestedDelivery: round(perKept, 2),
        messagesPerDelivery: round(perDelivery, 2),
        bytesPerCell: Math.round(traffic.bytes / identities.length),
        viewAgreement: round(views, 4),
        meshAgreement: round(mesh, 4),
        ...(network.mode === 'libp2p' ? { processCpuMsPerRound: round(cpuPerRound), processBusyShare: round(busyShare, 2) } : {})
      },
      latencies,
      convergence: convergenceCurve(latencies, latencies.length),
      sybilCurve: [],
      checks: [
        check('delivery to every interested cell', '100 %', `${round(delivery.ratio * 100, 2)} %`, delivery.ratio === 1),
        check('latency p99', '< 400 ms (500 cells, 25 ms links)', `${p99} ms`, p99 < 400),
        check('gossip transmissions per cell reached', '≤ 6', round(transmissions, 2), delivery.receipts > 0 && transmissions <= 6),
        check('mesh peers match trust views', 'all cells', mesh === 1 ? 'all' : `${round(mesh * 100, 2)} %`, mesh === 1)
      ]
    })
  }
}
