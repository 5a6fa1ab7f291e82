/**
 * What both network modes are built from.
 */
import type { Identity } from './identities.ts'
import type { InitialState } from './initial-state.ts'
import type { LinkModel } from './links.ts'
import type { Random } from './random.ts'
import type { Graph } from './topology.ts'
import type { DhtRole, LinkTransport } from './options.ts'

export interface NetworkInit {
  identities: Identity[]
  graph: Graph
  links: LinkModel
  state: InitialState
  /** Distinguishes memory addresses of runs sharing a process */
  runId: string
  random: Random
  /** Periodic anti-entropy sync per cell, ms (0: only on (re)connect) */
  syncInterval: number
  /** libp2p mode: DHT server or client cells */
  dht: DhtRole
  /** libp2p mode: simulated links or loopback TCP */
  transport: LinkTransport
  /**
   * Reports set-up progress: steps done out of total in the named phase
   * (building cells when none is named)
   */
  onProgress?(done: number, total: number, phase?: string): void
}
