/**
 * The data the mesh package works on: what the agent feeds in, the state a
 * backend holds, the changes between two states, and the backend contract.
 * Everything here is plain data so it can be logged, compared and tested.
 */
import type { BridgeRoute, FirewallRule, NatRule, RoutingConfigInput } from './validation/schemas.ts'

export interface OverlayPair {
  /** Overlay IPv4 address (inside 100.64.0.0/10), no prefix length */
  ipv4: string
  /** Overlay IPv6 address (inside the project ULA /48), no prefix length */
  ipv6: string
}

/** One remote cell as the trust view sees it. */
export interface MeshPeerInput {
  cellId: string
  /** WireGuard public key, base64 of 32 bytes */
  wgPublicKey: string
  /** Underlay endpoints from its peer record, `host:port`, best first */
  endpoints: readonly string[]
  overlay: OverlayPair
  /** Prefixes it says live behind it; honoured only with the 'route' scope */
  advertisedPrefixes: readonly string[]
  /** Trust scopes the local cell grants it: 'mesh', 'route', 'mail', ..., or '*' */
  scopes: ReadonlySet<string>
}

/** The local cell. */
export interface MeshSelfInput {
  /** File holding the WireGuard private key (base64); none leaves the key unset */
  privateKeyPath?: string | null
  /** UDP port WireGuard listens on (default 51820) */
  listenPort?: number
  overlay: OverlayPair
  /** Name of the WireGuard interface (default `pic0`) */
  interfaceName?: string
}

/** Interface settings and addresses. */
export interface InterfaceState {
  name: string
  listenPort: number
  privateKeyPath: string | null
  /** Canonical CIDRs, sorted */
  addresses: readonly string[]
}

/** One WireGuard peer. */
export interface PeerState {
  publicKey: string
  /** The cell behind the key; '' when read back from the system */
  cellId: string
  endpoint: string | null
  /** Canonical CIDRs, sorted */
  allowedIps: readonly string[]
  /** Seconds; 0 turns keepalive off */
  persistentKeepalive: number
}

/**
 * A route through the cell's interface. `main` routes go to the main table;
 * `cell` routes (exit and split routes) go to the cell's own table, which a
 * policy rule consults only for packets WireGuard did not mark, so the
 * tunnel's own UDP packets never enter the tunnel.
 */
export interface RouteState {
  destination: string
  table: 'main' | 'cell'
}

/** A set of sources, split by family for nftables sets. */
export interface SourceSet {
  ipv4: readonly string[]
  ipv6: readonly string[]
}

export interface ServiceAccess {
  scope: string
  protocol: 'tcp' | 'udp'
  ports: readonly number[]
  /** Overlay addresses of the cells trusted for `scope` */
  sources: SourceSet
}

/** Everything the cell's nftables table is rendered from. */
export interface RuleSet {
  interfaceName: string
  /** Traffic from the overlay is accepted only from these */
  meshSources: SourceSet
  /** Traffic from the overlay is forwarded only from these */
  forwardSources: SourceSet
  /** Service ports, each open only to its scope's cells */
  services: readonly ServiceAccess[]
  firewall: readonly FirewallRule[]
  nat: readonly NatRule[]
  bridges: readonly BridgeRoute[]
}

/** The full state of the mesh on one machine; desired and current share it. */
export interface MeshState {
  interface: InterfaceState | null
  /** Sorted by public key */
  peers: readonly PeerState[]
  /** Sorted by table, then destination */
  routes: readonly RouteState[]
  /** Whether the cell's fwmark policy rules are needed (any `cell` route) */
  policyRouting: boolean
  /** Whether IPv4/IPv6 forwarding must be on (exit serving, bridges, NAT) */
  forwarding: boolean
  /** The rules, or null when only the digest is known (read from the system) */
  ruleset: RuleSet | null
  /** SHA-256 of the rule set; what the diff compares */
  rulesetDigest: string | null
}

/** Why a peer, prefix or route from the inputs was left out. */
export interface MeshWarning {
  cellId?: string
  prefix?: string
  reason: string
}

/** What `desiredMeshState` returns: the state plus what was left out. */
export interface DesiredState extends MeshState {
  interface: InterfaceState
  /** Prefixes this cell should advertise in its own record (bridged LANs) */
  advertisedPrefixes: readonly string[]
  warnings: readonly MeshWarning[]
}

export type PeerField = 'endpoint' | 'allowedIps' | 'persistentKeepalive'

/** One step from the current state towards the desired one. */
export type MeshChange =
  | { type: 'configure-interface', interface: InterfaceState }
  | { type: 'add-address', address: string }
  | { type: 'remove-address', address: string }
  | { type: 'add-peer', peer: PeerState }
  | { type: 'remove-peer', peer: PeerState }
  | { type: 'update-peer', peer: PeerState, previous: PeerState, fields: readonly PeerField[] }
  | { type: 'add-route', route: RouteState }
  | { type: 'remove-route', route: RouteState }
  | { type: 'set-policy-routing', enabled: boolean }
  | { type: 'set-forwarding', enabled: boolean }
  | { type: 'replace-ruleset', ruleset: RuleSet, digest: string }

export interface DesiredStateInput {
  self: MeshSelfInput
  peers: readonly MeshPeerInput[]
  /** Routing configuration; validated with `routingConfigSchema` */
  routing?: RoutingConfigInput
}

export interface PeerStatus {
  publicKey: string
  endpoint: string | null
  /** Milliseconds since the epoch of the last handshake, null if never */
  latestHandshake: number | null
  rxBytes: number
  txBytes: number
}

export interface MeshStatus {
  backend: string
  /** 'kernel', 'userspace' (wireguard-go) or 'memory' */
  mode: string
  running: boolean
  interfaceName: string
  listenPort: number | null
  peers: PeerStatus[]
}

export interface AbortOptions {
  signal?: AbortSignal
}

export interface StopOptions {
  /** Remove the interface, routes, rules and nftables table (default true) */
  removeInterface?: boolean
}

/** A way to make the mesh real: the Linux kernel, or memory for simulations. */
export interface MeshBackend {
  readonly name: string
  start(options?: AbortOptions): Promise<void>
  stop(options?: StopOptions): Promise<void>
  /** The state as the backend finds it now */
  getState(options?: AbortOptions): Promise<MeshState>
  /** Apply changes in order; on failure the state may be partly changed */
  apply(changes: readonly MeshChange[], options?: AbortOptions): Promise<void>
  status(options?: AbortOptions): Promise<MeshStatus>
}
