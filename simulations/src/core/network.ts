/**
 * What a scenario sees of a simulated network, whichever mode runs it:
 * cells that attest, revoke, go offline and get partitioned; per-cell trust
 * views, stores and WireGuard peer sets; a clock; and events when a cell
 * stores a record or changes its mesh.
 */
import type { EventEmitter } from 'node:events'
import type { Graph } from './topology.ts'
import type { Identity } from './identities.ts'
import type { LinkModel } from './links.ts'
import type { DeliveryTracker } from '../metrics/delivery.ts'
import type { VersionVector } from '@cell/agent'
import type { Attestation, StoreCounters, TrustView } from '@cell/trust'

export type Mode = 'libp2p' | 'model' | 'processes'

/**
 * What the scenarios read of a trust view. The in-process modes hand out the
 * engine's TrustView; processes mode builds one from the agent's API answer.
 */
export type CellView = Pick<TrustView, 'entries' | 'has' | 'get' | 'explain'>

export interface NetworkEvents {
  /** A cell stored a record in its log (gossip, sync or promotion) */
  accepted: [{ cell: number, recordId: string, at: number }]
  /** A cell reconciled its WireGuard peers */
  mesh: [{ cell: number, at: number }]
}

export interface AttestInit {
  level?: 'full' | 'marginal' | 'none'
  maxDepth?: number
}

export interface Resources {
  /** Resident set size of the whole process, bytes */
  rss: number
  heapUsed: number
  /** User + system CPU time of the whole process, ms */
  cpuMs: number
}

export interface SimNetwork extends EventEmitter<NetworkEvents> {
  readonly mode: Mode
  /** Every participant: honest cells first, then attacker cells */
  readonly identities: Identity[]
  readonly graph: Graph
  readonly links: LinkModel
  /** Arrival times of the records scenarios follow */
  readonly tracker: DeliveryTracker
  /** Milliseconds since the network started (virtual in model mode) */
  now(): number
  /** The cells' wall clock, ms since the epoch (what records and views are checked against) */
  clock(): number
  /** Sign and spread an attestation by `cell`; returns the record id */
  attest(cell: number, subject: string, init?: AttestInit): Promise<string>
  /** Spread arbitrary bytes from `cell` on a trust topic, unchecked (attackers) */
  publishRaw(cell: number, topic: 'attestations' | 'peer-records', bytes: Uint8Array): Promise<void>
  /** The cell's trust view for scope 'mesh' */
  view(cell: number): CellView
  horizon(cell: number): Set<string>
  /** Whether the cell's store log holds the record */
  holds(cell: number, recordId: string): boolean
  /** Cell ids of the WireGuard peers in the cell's memory backend */
  meshPeers(cell: number): Set<string>
  /** Cell ids the trust view implies as WireGuard peers (trusted, with a peer record) */
  expectedMeshPeers(cell: number): Set<string>
  storeCounters(cell: number): StoreCounters
  /** Records waiting in the cell's quarantine */
  quarantineSize(cell: number): number
  /** Latest attestation per (issuer, subject) in the cell's store */
  attestations(cell: number): Attestation[]
  /** Per issuer in the cell's horizon: highest seq and record count held (the sync summary) */
  recordSummary(cell: number): VersionVector
  /**
   * Give `to` a record `from` holds, directly, as the invite protocol hands
   * each side the other's attestation on its own stream. False if `from`
   * does not hold it.
   */
  handOver(from: number, to: number, recordId: string): Promise<boolean>
  /** Ids of the peers the cell can gossip with right now (subscribed to the attestation topic) */
  gossipPeers(cell: number): string[]
  /** Make an (attacker) cell drop every gossip message instead of relaying */
  silence(cell: number): void
  /** Gossipsub scores of connected peers (libp2p mode; empty in model mode) */
  scores(cell: number): Record<string, number>
  /** Gossipsub's score of one peer, connected or not, while it keeps the peer's stats (libp2p mode; undefined in model mode) */
  scoreOf(cell: number, peerId: string): number | undefined
  /** Gossip messages the cell's validators rejected, per sending peer */
  rejectedFrom(cell: number): Map<string, number>
  /** Take cells offline or bring them back, all at once (one reconnect round) */
  setOnline(cells: readonly number[], online: boolean): Promise<void>
  setPartition(group: Int32Array | null): Promise<void>
  /** Run until `predicate` holds or `timeout` ms (network time) pass */
  waitFor(predicate: () => boolean, timeout: number): Promise<boolean>
  /** Let `ms` of network time pass */
  advance(ms: number): Promise<void>
  resources(): Resources
  /** Figures only this mode has, added to the report's metrics (processes mode: how long a poll round took) */
  modeMetrics?(): Record<string, number>
  stop(): Promise<void>
}
