/**
 * The options of one simulation run, as parsed from the command line.
 */
import type { Mode } from './network.ts'
import type { TopologyKind } from './topology.ts'

export type DhtRole = 'client' | 'server'
/** libp2p mode: the simulated links (latency, jitter, cuts) or plain loopback TCP */
export type LinkTransport = 'memory' | 'tcp'

export interface SimOptions {
  scenario: string
  cells: number
  seed: number
  /** One-way link latency, ms */
  latency: number
  /** Jitter as a share of the latency */
  jitter: number
  degree: number
  topology: TopologyKind
  mode: Mode
  /** maxDepth of the attestations cells make */
  maxDepth: number
  /** Periodic sync interval per cell, ms (0: only on connect) */
  syncInterval: number
  /** libp2p mode: whether cells serve the DHT or only query it */
  dht: DhtRole
  /** libp2p mode: how cells connect */
  transport: LinkTransport
  /** Sybil scenario: identities and attack edges */
  sybils: number
  attackEdges: number
  /** Spam and eclipse scenarios: attacker cells */
  attackers: number
  /** Spam scenario: records each attacker floods */
  spam: number
  /** Churn scenario: share of cells that go offline */
  churn: number
  /** Where reports go; none writes no files */
  out?: string
  /** Progress bar on stderr */
  progress: boolean
}
