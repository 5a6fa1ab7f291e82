/**
 * @packageDocumentation
 *
 * The cell agent: a libp2p node, the service bus that runs every manager
 * of a cell in dependency order, and the Koa API in front of it.
 *
 * @example
 * ```ts
 * import { Cell } from '@cell/agent'
 *
 * const cell = await Cell.open({ dataDir: '/tmp/my-cell' })
 * await cell.start()
 * console.log(cell.cellId, cell.apiUrl)
 * await cell.stop()
 * ```
 */
export { Cell, VERSION } from './cell.ts'
export type { CellInit } from './cell.ts'
export { ServiceBus } from './bus/service-bus.ts'
export type { ServiceManager, ServiceState, HealthReport, ConnectivityReport } from './bus/manager.ts'
export type { BusEvent, BusEventMap, BusEventType } from './bus/events.ts'
export { configSchema } from './config/schema.ts'
export type { CellConfig } from './config/schema.ts'
export { resolveDataDir, dataPaths } from './paths.ts'
export * from './errors.ts'

// The trust layer's parts, for hosts that run cells without the full agent
// (the simulation harness runs many in one process).
export { TrustNode } from './trust/trust-node.ts'
export type { TrustNodeInit, AttestOptions, PeerRecordContent } from './trust/trust-node.ts'
export { VerifiedSet } from './trust/verified-set.ts'
export { trustGossipOptions } from './trust/gossip-options.ts'
export { dhtPeerRecordOptions } from './trust/dht-records.ts'
export { summarise, missingFor } from './trust/sync-protocol.ts'
export type { VersionVector, SyncPeerStore } from './trust/sync-protocol.ts'
export {
  ATTESTATION_TOPIC, CATCH_UP_ATTEMPTS, CATCH_UP_DELAY, CATCH_UP_DIAL_FROM_ATTEMPT, CATCH_UP_MAX_DIALS, CATCH_UP_MAX_ISSUERS, CATCH_UP_PEERS, PEER_RECORD_TOPIC,
  RELAY_BURST, RELAY_MAX_AGE, RELAY_MAX_PEERS, RELAY_PER_SECOND, SCORE_THRESHOLDS, SYNC_MAX_ROUNDS
} from './trust/constants.ts'
export { RelayBudget } from './trust/relay-budget.ts'
export { issuedAt } from './trust/record-times.ts'
export { createCellLibp2p } from './p2p/libp2p-node.ts'
export type { CellLibp2p, Libp2pNodeInit } from './p2p/libp2p-node.ts'
export type { Sublevel } from './storage/database.ts'
