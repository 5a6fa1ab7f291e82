/**
 * The `mesh` service: trust drives the WireGuard mesh. It turns the trust
 * views and the peer records into the mesh package's desired state and
 * reconciles the backend towards it at start, on every `trust:changed`
 * (attestations, revocations and peer records all arrive that way), when
 * an attestation or a peer record in use expires, and when the mesh config
 * changes. It announces
 * the cell's own WireGuard endpoints in its peer record and re-announces
 * them when the machine's addresses change.
 */
import { networkInterfaces } from 'node:os'
import { join } from 'node:path'
import { MeshReconciler, desiredMeshState, summarizeChanges } from '@cell/mesh'
import { VIEW_SCOPES } from '@cell/trust'
import { ServiceNotRunningError } from '../errors.ts'
import { generateWireguardKeyPair, storeWireguardKey } from '../identity/identity.ts'
import { chooseBackend } from './choose-backend.ts'
import { MAX_EXPIRY_WAIT, MESH_DIR_NAME } from './constants.ts'
import { announcedEndpoints, localAddresses } from './endpoints.ts'
import { removeOtherKeyFiles, writeKeyFile } from './key-file.ts'
import { meshPeerInputs } from './peer-inputs.ts'
import { reconnectAll } from './underlay-change.ts'
import type { MeshConfig } from './config-schema.ts'
import type { ServiceBus } from '../bus/service-bus.ts'
import type { HealthReport, ServiceManager } from '../bus/manager.ts'
import type { CellIdentity } from '../identity/identity.ts'
import type { CellLibp2p } from '../p2p/libp2p-node.ts'
import type { DataPaths } from '../paths.ts'
import type { TrustManager } from '../trust/trust-manager.ts'
import type { DesiredState, MeshBackend, MeshPeerInput, MeshStatus, OverlayPair } from '@cell/mesh'
import type { NetworkInterfaceInfo } from 'node:os'
import type { Logger } from 'pino'

export interface MeshManagerInit {
  overlay: OverlayPair
  /** The cell's identity; key rotation replaces its `wireguard` pair */
  identity: CellIdentity
  paths: DataPaths
  settings(): MeshConfig
  /** The p2p listen multiaddrs from the config (endpoints derive from them) */
  p2pListen(): readonly string[]
  trust(): TrustManager | undefined
  libp2p(): CellLibp2p | undefined
  bus: ServiceBus
  log: Logger
  /** Logger the mesh package's components derive from */
  libraryLog: Logger
  /** `os.networkInterfaces`, injectable for tests */
  interfaces?(): NodeJS.Dict<NetworkInterfaceInfo[]>
}

export interface LastReconcile {
  at: string
  reason: string
  durationMs: number
  changes: Record<string, number>
  error: string | null
}

/** Settings whose change needs the backend restarted, not just a reconcile. */
const RESTART_KEYS = ['enabled', 'backend', 'wireguard', 'interfaceName'] as const

export class MeshManager implements ServiceManager {
  readonly name = 'mesh'
  readonly dependencies = ['trust'] as const
  private readonly init: MeshManagerInit
  private readonly log: Logger
  private backend?: MeshBackend
  private reconciler?: MeshReconciler
  private memoryReason: string | null = null
  private keyPath: string | null = null
  private started?: MeshConfig
  private controller?: AbortController
  private unsubscribe: Array<() => void> = []
  private addressTimer?: NodeJS.Timeout
  private expiryTimer?: NodeJS.Timeout
  private addresses: string[] = []
  private announced = ''
  private desired?: DesiredState
  private inputs: MeshPeerInput[] = []
  private pending: string[] = []
  private last?: LastReconcile

  constructor (init: MeshManagerInit) {
    this.init = init
    this.log = init.log
  }

  async start (signal: AbortSignal): Promise<void> {
    const settings = this.init.settings()
    this.started = settings
    this.controller = new AbortController()
    this.addresses = this.localAddresses()
    if (!settings.enabled) {
      this.log.info('mesh disabled in the config (mesh.enabled is false)')
      return
    }

    const choice = await chooseBackend(settings, this.init.libraryLog)
    this.memoryReason = choice.memoryReason
    if (choice.memoryReason != null) {
      this.log.warn({ reason: choice.memoryReason }, 'mesh runs the memory backend: %s', choice.memoryReason)
    }
    this.keyPath = await writeKeyFile(this.meshDir, this.init.identity.wireguard)
    await choice.backend.start({ signal })
    this.backend = choice.backend
    this.reconciler = new MeshReconciler({ backend: choice.backend, log: this.init.libraryLog })

    this.unsubscribe.push(
      this.init.bus.on('trust:changed', event => { void this.reconcile(`trust: ${event.data.reason}`) }),
      this.init.bus.on('config:changed', event => {
        if (event.data.sections.includes('mesh') || event.data.sections.includes('p2p')) this.onConfigChanged()
      })
    )
    this.addressTimer = setInterval(() => { void this.checkAddresses() }, settings.addressCheckSeconds * 1000)
    this.addressTimer.unref()

    await this.reconcile('start')
    await this.announceIfChanged()
  }

  async stop (): Promise<void> {
    this.controller?.abort()
    this.unsubscribe.forEach(off => { off() })
    this.unsubscribe = []
    clearInterval(this.addressTimer)
    clearTimeout(this.expiryTimer)
    const backend = this.backend
    this.backend = undefined
    this.reconciler = undefined
    await backend?.stop({ removeInterface: this.started?.removeOnStop ?? true })
  }

  status (): Record<string, unknown> {
    const settings = this.started ?? this.init.settings()
    return {
      enabled: settings.enabled,
      backend: this.backend?.name ?? null,
      memoryReason: this.memoryReason,
      interface: settings.interfaceName,
      listenPort: settings.listenPort,
      peers: this.desired?.peers.length ?? 0,
      pending: this.pending.length,
      warnings: this.desired?.warnings.length ?? 0,
      endpoints: this.endpoints(),
      restartRequired: this.restartRequired(),
      lastReconcile: this.last ?? null
    }
  }

  async health (): Promise<HealthReport> {
    return { healthy: this.last?.error == null, details: { lastReconcile: this.last ?? null } }
  }

  /** Why the memory backend runs (null when Linux runs or before start). */
  get memoryBackendReason (): string | null {
    return this.memoryReason
  }

  get running (): boolean {
    return this.backend != null
  }

  /** The WireGuard endpoints this cell announces in its peer record. */
  endpoints (): string[] {
    const settings = this.init.settings()
    if (!settings.enabled) return []
    return announcedEndpoints({
      configured: settings.endpoints,
      listen: this.init.p2pListen(),
      interfaces: (this.init.interfaces ?? networkInterfaces)(),
      listenPort: settings.listenPort,
      meshInterface: settings.interfaceName
    })
  }

  /** What the mesh puts in the peer record; remembered to notice changes. */
  recordContent (): { wgEndpoints: string[], advertisedPrefixes: string[] } {
    const content = { wgEndpoints: this.endpoints(), advertisedPrefixes: [...(this.desired?.advertisedPrefixes ?? [])] }
    this.announced = JSON.stringify(content)
    return content
  }

  /** The last desired state with the inputs it came from. */
  snapshot (): { desired: DesiredState | undefined, inputs: readonly MeshPeerInput[], pending: readonly string[] } {
    return { desired: this.desired, inputs: this.inputs, pending: this.pending }
  }

  async wireguardStatus (signal?: AbortSignal): Promise<MeshStatus & { memoryReason: string | null }> {
    const backend = this.requireBackend()
    return { ...await backend.status({ signal }), memoryReason: this.memoryReason }
  }

  /** Compute the desired state from trust and config and apply it. */
  async reconcile (reason: string): Promise<void> {
    const trust = this.init.trust()
    const reconciler = this.reconciler
    if (trust == null || reconciler == null || this.keyPath == null) return
    const startedAt = Date.now()
    const settings = this.init.settings()
    let nextPeerRecordExpiry = Infinity
    try {
      const views = new Map(VIEW_SCOPES.map(scope => [scope, trust.node.view(scope).entries.keys()]))
      const { peers, pending, nextExpiry } = meshPeerInputs({
        selfId: this.init.identity.cellId,
        views,
        peerRecord: id => trust.records.peerRecord(id),
        manualPeers: settings.manualPeers,
        now: startedAt
      })
      nextPeerRecordExpiry = nextExpiry
      const desired = desiredMeshState({
        self: { privateKeyPath: this.keyPath, listenPort: settings.listenPort, overlay: this.init.overlay, interfaceName: this.started?.interfaceName },
        peers,
        routing: settings.routing
      })
      this.inputs = peers
      this.pending = pending
      this.desired = desired
      const result = await reconciler.apply(desired, { signal: this.controller?.signal })
      this.last = { at: new Date().toISOString(), reason, durationMs: Date.now() - startedAt, changes: summarizeChanges(result.changes), error: null }
      if (result.changes.length > 0) {
        this.log.info({ reason, changes: this.last.changes, peers: desired.peers.length, ms: this.last.durationMs }, 'mesh reconciled (%s)', reason)
      }
      for (const warning of desired.warnings) this.log.debug({ warning }, 'mesh input left out: %s', warning.reason)
    } catch (err) {
      if (this.controller?.signal.aborted === true) return
      this.last = { at: new Date().toISOString(), reason, durationMs: Date.now() - startedAt, changes: {}, error: (err as Error).message }
      this.log.error({ err, reason }, 'mesh reconcile failed: %s', (err as Error).message)
    }
    this.scheduleExpiry(trust, nextPeerRecordExpiry)
    await this.announceIfChanged()
  }

  /**
   * Replace the WireGuard key pair: store it, put it on the interface,
   * re-issue the peer record. Peers replace the old key when the record
   * reaches them; until then the tunnels to them are down.
   */
  async rotateKey (): Promise<{ publicKey: string, previous: string }> {
    const identity = this.init.identity
    const previous = identity.wireguard.publicKey
    const keys = generateWireguardKeyPair()
    await storeWireguardKey(this.init.paths, keys)
    identity.wireguard = keys
    if (this.backend != null) {
      this.keyPath = await writeKeyFile(this.meshDir, keys)
      await this.reconcile('key rotation')
      await removeOtherKeyFiles(this.meshDir, this.keyPath)
    }
    await this.init.trust()?.node.publishPeerRecord()
    void this.spreadRecord()
    this.log.info({ publicKey: keys.publicKey, previous }, 'WireGuard key rotated')
    return { publicKey: keys.publicKey, previous }
  }

  private get meshDir (): string {
    return join(this.init.paths.root, MESH_DIR_NAME)
  }

  private requireBackend (): MeshBackend {
    if (this.backend == null) throw new ServiceNotRunningError(this.name)
    return this.backend
  }

  private restartRequired (): boolean {
    const started = this.started
    if (started == null) return false
    const current = this.init.settings()
    return RESTART_KEYS.some(key => current[key] !== started[key])
  }

  private onConfigChanged (): void {
    if (this.restartRequired()) {
      this.log.warn('mesh settings changed that take effect when the mesh service restarts')
    }
    void this.reconcile('config changed')
  }

  private localAddresses (): string[] {
    const settings = this.init.settings()
    return localAddresses((this.init.interfaces ?? networkInterfaces)(), settings.interfaceName)
  }

  /** Notice underlay address changes; reconnect and re-announce. */
  private async checkAddresses (): Promise<void> {
    const now = this.localAddresses()
    const before = this.addresses
    if (now.join() === before.join()) return
    this.addresses = now
    const lost = before.filter(address => !now.includes(address))
    this.log.info({ before, now }, 'underlay addresses changed')

    // Store the new record first so the sync that opens each new connection carries it.
    await this.announceIfChanged()
    const libp2p = this.init.libp2p()
    if (lost.length > 0 && libp2p != null) {
      const result = await reconnectAll(libp2p, this.log)
      this.log.info(result, 'reconnected after losing %s', lost.join(', '))
      await this.spreadRecord()
    }
  }

  /**
   * Hand this cell's newest records to every connected cell through a sync
   * this cell initiates. Gossip alone is not enough right after a change:
   * a peer may still hold a dead connection (and its gossip stream) to this
   * cell, and the sync on connect runs only from the cell with the lower id.
   */
  private async spreadRecord (): Promise<void> {
    const trust = this.init.trust()
    const libp2p = this.init.libp2p()
    if (trust == null || libp2p == null) return
    await Promise.all(libp2p.getPeers().map(async peer => await trust.node.syncWith(peer).catch(() => undefined)))
  }

  private async announceIfChanged (): Promise<void> {
    const trust = this.init.trust()
    if (trust == null) return
    const content = JSON.stringify({ wgEndpoints: this.endpoints(), advertisedPrefixes: [...(this.desired?.advertisedPrefixes ?? [])] })
    if (content === this.announced) return
    try {
      await trust.node.publishPeerRecord()
    } catch (err) {
      this.log.warn({ err }, 'cannot re-issue the peer record: %s', (err as Error).message)
    }
  }

  /**
   * Reconcile again when the next live attestation or the next peer record
   * in use expires: either changes the peers without raising any event.
   */
  private scheduleExpiry (trust: TrustManager, nextPeerRecordExpiry: number): void {
    clearTimeout(this.expiryTimer)
    const now = Date.now()
    let next = nextPeerRecordExpiry
    for (const attestation of trust.records.liveAttestations(now)) {
      if (attestation.notAfter < next) next = attestation.notAfter
    }
    const wait = Math.min(Math.max(next - now + 1, 0), MAX_EXPIRY_WAIT)
    this.expiryTimer = setTimeout(() => { void this.reconcile('attestation expiry') }, wait)
    this.expiryTimer.unref()
  }
}
