/**
 * A backend that keeps the mesh in memory: for simulations of many cells in
 * one process and for runs without privileges. It behaves like the kernel
 * where simulations can observe it: an allowed IP given to one peer is taken
 * from whichever peer held it, as WireGuard does.
 */
import { DEFAULT_INTERFACE_NAME, DEFAULT_LISTEN_PORT } from '../constants.ts'
import { BackendNotStartedError } from '../errors.ts'
import type { AbortOptions, InterfaceState, MeshBackend, MeshChange, MeshState, MeshStatus, PeerState, RouteState, RuleSet, StopOptions } from '../types.ts'

export interface MemoryBackendInit {
  /** Interface name reported before the first apply (default `pic0`) */
  interfaceName?: string
}

function routeKey (route: RouteState): string {
  return `${route.table} ${route.destination}`
}

export class MemoryBackend implements MeshBackend {
  readonly name = 'memory'
  private readonly interfaceName: string
  private running = false
  private iface: InterfaceState | null = null
  private readonly peers = new Map<string, PeerState>()
  private readonly owners = new Map<string, string>()
  private readonly routes = new Map<string, RouteState>()
  private policyRouting = false
  private forwarding = false
  private ruleset: RuleSet | null = null
  private rulesetDigest: string | null = null
  /** How many `apply` calls and changes this backend has seen */
  readonly counters = { applies: 0, changes: 0 }

  constructor (init: MemoryBackendInit = {}) {
    this.interfaceName = init.interfaceName ?? DEFAULT_INTERFACE_NAME
  }

  async start (): Promise<void> {
    this.running = true
  }

  async stop (options: StopOptions = {}): Promise<void> {
    this.running = false
    if (options.removeInterface ?? true) {
      this.iface = null
      this.peers.clear()
      this.owners.clear()
      this.routes.clear()
      this.policyRouting = false
      this.forwarding = false
      this.ruleset = null
      this.rulesetDigest = null
    }
  }

  async getState (): Promise<MeshState> {
    this.assertRunning()
    return {
      interface: this.iface,
      peers: [...this.peers.values()].sort((a, b) => a.publicKey < b.publicKey ? -1 : 1),
      routes: [...this.routes.values()].sort((a, b) => routeKey(a) < routeKey(b) ? -1 : 1),
      policyRouting: this.policyRouting,
      forwarding: this.forwarding,
      ruleset: this.ruleset,
      rulesetDigest: this.rulesetDigest
    }
  }

  async apply (changes: readonly MeshChange[], options: AbortOptions = {}): Promise<void> {
    this.assertRunning()
    options.signal?.throwIfAborted()
    this.counters.applies++
    this.counters.changes += changes.length
    for (const change of changes) {
      this.applyOne(change)
    }
  }

  async status (): Promise<MeshStatus> {
    return {
      backend: this.name,
      mode: 'memory',
      running: this.running,
      interfaceName: this.iface?.name ?? this.interfaceName,
      listenPort: this.iface?.listenPort ?? (this.running ? DEFAULT_LISTEN_PORT : null),
      peers: [...this.peers.values()].map((peer) => ({
        publicKey: peer.publicKey, endpoint: peer.endpoint, latestHandshake: null, rxBytes: 0, txBytes: 0
      }))
    }
  }

  private assertRunning (): void {
    if (!this.running) {
      throw new BackendNotStartedError()
    }
  }

  private applyOne (change: MeshChange): void {
    switch (change.type) {
      case 'configure-interface':
        this.iface = { ...change.interface, addresses: this.iface?.addresses ?? [] }
        break
      case 'add-address':
      case 'remove-address': {
        const base = this.iface ?? { name: this.interfaceName, listenPort: DEFAULT_LISTEN_PORT, privateKeyPath: null, addresses: [] }
        const addresses = base.addresses.filter((address) => address !== change.address)
        this.iface = { ...base, addresses: change.type === 'add-address' ? [...addresses, change.address].sort() : addresses }
        break
      }
      case 'add-peer':
      case 'update-peer':
        this.setPeer(change.peer)
        break
      case 'remove-peer':
        this.removePeer(change.peer.publicKey)
        break
      case 'add-route':
        this.routes.set(routeKey(change.route), change.route)
        break
      case 'remove-route':
        this.routes.delete(routeKey(change.route))
        break
      case 'set-policy-routing':
        this.policyRouting = change.enabled
        break
      case 'set-forwarding':
        this.forwarding = change.enabled
        break
      case 'replace-ruleset':
        this.ruleset = change.ruleset
        this.rulesetDigest = change.digest
        break
    }
  }

  private setPeer (peer: PeerState): void {
    const previous = this.peers.get(peer.publicKey)
    previous?.allowedIps.forEach((prefix) => this.owners.delete(prefix))

    // Cryptokey routing: a prefix belongs to one peer; the last set wins.
    for (const prefix of peer.allowedIps) {
      const owner = this.owners.get(prefix)
      const holder = owner == null || owner === peer.publicKey ? undefined : this.peers.get(owner)
      if (holder != null) {
        this.peers.set(owner as string, { ...holder, allowedIps: holder.allowedIps.filter((p) => p !== prefix) })
      }
      this.owners.set(prefix, peer.publicKey)
    }
    this.peers.set(peer.publicKey, { ...peer, endpoint: peer.endpoint ?? previous?.endpoint ?? null })
  }

  private removePeer (publicKey: string): void {
    const previous = this.peers.get(publicKey)
    previous?.allowedIps.forEach((prefix) => {
      if (this.owners.get(prefix) === publicKey) {
        this.owners.delete(prefix)
      }
    })
    this.peers.delete(publicKey)
  }
}
