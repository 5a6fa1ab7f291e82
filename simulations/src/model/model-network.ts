/**
 * The model-level network: real TrustStore/TrustEngine cells and real
 * signed envelopes, but no libp2p. A discrete-event loop delivers each
 * message after the link delay; gossip floods every accepted record to all
 * linked neighbours but the sender (gossipsub with the mesh degree at the
 * topology degree), and anti-entropy sync runs the agent's own vector
 * comparison (summarise / missingFor) on (re)connect and periodically.
 * Time is virtual, so thousands of cells run on one core.
 */
import { EventEmitter } from 'node:events'
import { SYNC_MAX_ROUNDS, missingFor, summarise } from '@cell/agent'
import { ATTESTATION_LIFETIME, MESH_DEBOUNCE, START_STATE_AGE } from '../constants.ts'
import { CellMesh } from '../core/cell-mesh.ts'
import { openCellDatabase } from '../core/cell-store.ts'
import { DeliveryTracker } from '../metrics/delivery.ts'
import { EventQueue } from './event-queue.ts'
import { ModelCatchUp } from './model-catch-up.ts'
import { ModelCell } from './model-cell.ts'
import type { Topic } from './model-cell.ts'
import type { Identity } from '../core/identities.ts'
import type { LinkModel } from '../core/links.ts'
import type { AttestInit, NetworkEvents, Resources, SimNetwork } from '../core/network.ts'
import type { NetworkInit } from '../core/network-init.ts'
import type { Random } from '../core/random.ts'
import type { Graph } from '../core/topology.ts'
import type { VersionVector } from '@cell/agent'
import type { Attestation, StoreCounters, TrustView } from '@cell/trust'

/** Horizon re-computation delay after a change (as TrustNode). */
const HORIZON_DEBOUNCE = 20
/** Re-check a waitFor predicate at most this often, virtual ms. */
const CHECK_EVERY = 2
/** Frame overhead of one sync message (type byte and length prefix). */
const FRAME_OVERHEAD = 3

function vectorBytes (vector: Map<string, { seq: number, count: number }>): number {
  return FRAME_OVERHEAD + JSON.stringify([...vector].map(([issuer, s]) => [issuer, s.seq, s.count])).length
}

export class ModelNetwork extends EventEmitter<NetworkEvents> implements SimNetwork {
  readonly mode = 'model' as const
  readonly identities: Identity[]
  readonly graph: Graph
  readonly links: LinkModel
  readonly tracker = new DeliveryTracker()
  private readonly queue = new EventQueue()
  private readonly epoch: number
  private readonly random: Random
  private readonly syncInterval: number
  private readonly cells: ModelCell[] = []
  private readonly meshes: CellMesh[] = []
  private readonly pending: Array<{ horizon: boolean, mesh: boolean }> = []
  private linkedBefore = new Set<string>()
  private readonly silent = new Set<number>()
  /** Per cell, rejected gossip messages per sending cell id */
  private readonly rejected: Array<Map<string, number>> = []
  private readonly catchUp: ModelCatchUp
  private readonly indexById: Map<string, number>

  private constructor (init: NetworkInit) {
    super()
    this.identities = init.identities
    this.indexById = new Map(init.identities.map(identity => [identity.id, identity.index]))
    this.graph = init.graph
    this.links = init.links
    this.random = init.random
    this.syncInterval = init.syncInterval
    // The start state was signed START_STATE_AGE before the run began.
    this.epoch = init.state.at + START_STATE_AGE
    this.links.on('changed', () => { this.onLinksChanged() })
    this.catchUp = new ModelCatchUp({
      schedule: (delay, task) => { this.queue.schedule(delay, task) },
      horizon: cell => this.cells[cell].store.horizon(),
      hasPeerRecord: (cell, issuer) => this.cells[cell].peerRecord(issuer) != null,
      linked: cell => [...this.graph[cell]].filter(other => this.links.up(cell, other)).map(index => ({ index, id: this.identities[index].id })),
      directlyTrusted: cell => new Set([...this.cells[cell].view().entries.values()].filter(entry => entry.source !== 'indirect').map(entry => entry.cellId)),
      vouchers: (cell, issuers) => this.vouchers(cell, issuers),
      reachable: (cell, other) => this.links.up(cell, other),
      sync: (initiator, responder, done) => { this.sync(initiator, responder, 0, done) }
    })
  }

  static async create (init: NetworkInit): Promise<ModelNetwork> {
    const network = new ModelNetwork(init)
    await network.open(init)
    return network
  }

  private async open (init: NetworkInit): Promise<void> {
    for (const identity of this.identities) {
      const index = identity.index
      const { store } = await openCellDatabase(identity, init.state, (id, kept) => { this.tracker.arrived(index, id, this.now(), kept) })
      const cell = new ModelCell({ identity, store, clock: () => this.clock(), onChange: () => { this.changed(index) } })
      this.pending.push({ horizon: false, mesh: false })
      await cell.open()
      const mesh = new CellMesh(identity)
      await mesh.start()
      await mesh.update(cell.view(), id => cell.peerRecord(id))
      this.cells.push(cell)
      this.meshes.push(mesh)
      init.onProgress?.(this.cells.length, this.identities.length)
    }
    this.linkedBefore = this.linkedPairs()
    if (this.syncInterval > 0) {
      this.cells.forEach((_, index) => { this.queue.schedule(this.random.next() * this.syncInterval, () => { this.periodicSync(index) }) })
    }
  }

  now (): number {
    return this.queue.now
  }

  clock (): number {
    // Records carry whole milliseconds; virtual time has fractions.
    return Math.floor(this.epoch + this.queue.now)
  }

  async attest (cell: number, subject: string, init: AttestInit = {}): Promise<string> {
    const level = init.level ?? 'full'
    const now = this.clock()
    const { bytes, id } = await this.cells[cell].attest({
      subject,
      level,
      scopes: ['*'],
      maxDepth: level === 'none' ? 0 : init.maxDepth ?? 2,
      notBefore: now,
      notAfter: now + ATTESTATION_LIFETIME
    })
    this.tracker.track(id, this.now())
    this.tracker.arrived(cell, id, this.now())
    this.cells[cell].firstSight(bytes)
    this.relay(cell, -1, 'attestations', bytes)
    return id
  }

  async publishRaw (cell: number, topic: Topic, bytes: Uint8Array): Promise<void> {
    this.relay(cell, -1, topic, bytes)
  }

  view (cell: number): TrustView {
    return this.cells[cell].view()
  }

  horizon (cell: number): Set<string> {
    return this.cells[cell].horizon()
  }

  holds (cell: number, recordId: string): boolean {
    return this.tracker.holds(cell, recordId)
  }

  meshPeers (cell: number): Set<string> {
    return this.meshes[cell].peers()
  }

  expectedMeshPeers (cell: number): Set<string> {
    const model = this.cells[cell]
    return new Set(CellMesh.expected(model.view(), id => model.peerRecord(id)).map(peer => peer.cellId))
  }

  quarantineSize (cell: number): number {
    return this.cells[cell].store.quarantined().length
  }

  attestations (cell: number): Attestation[] {
    return this.cells[cell].store.attestations().map(record => record.record)
  }

  storeCounters (cell: number): StoreCounters {
    return this.cells[cell].store.counters()
  }

  recordSummary (cell: number): VersionVector {
    return summarise(this.cells[cell].store)
  }

  async handOver (from: number, to: number, recordId: string): Promise<boolean> {
    const record = this.cells[from].store.attestations().find(r => r.id === recordId)
    if (record == null) return false
    await this.cells[to].ingest(record.envelope)
    return true
  }

  gossipPeers (cell: number): string[] {
    return [...this.graph[cell]].filter(other => this.links.up(cell, other)).map(other => this.identities[other].id)
  }

  silence (cell: number): void {
    this.silent.add(cell)
  }

  scores (): Record<string, number> {
    return {}
  }

  scoreOf (): number | undefined {
    return undefined
  }

  rejectedFrom (cell: number): Map<string, number> {
    return this.rejected[cell] ?? new Map()
  }

  async setOnline (cells: readonly number[], online: boolean): Promise<void> {
    for (const cell of cells) this.links.setOnline(cell, online)
  }

  async setPartition (group: Int32Array | null): Promise<void> {
    this.links.setPartition(group)
  }

  async waitFor (predicate: () => boolean, timeout: number): Promise<boolean> {
    const deadline = this.queue.now + timeout
    let checked = -Infinity
    while (true) {
      if (this.queue.now - checked >= CHECK_EVERY || this.queue.peek() > deadline) {
        checked = this.queue.now
        if (predicate()) return true
      }
      if (this.queue.peek() > deadline) {
        this.queue.now = deadline
        return predicate()
      }
      await this.queue.step()
    }
  }

  async advance (ms: number): Promise<void> {
    await this.waitFor(() => false, ms)
  }

  resources (): Resources {
    const cpu = process.cpuUsage()
    const memory = process.memoryUsage()
    return { rss: memory.rss, heapUsed: memory.heapUsed, cpuMs: (cpu.user + cpu.system) / 1000 }
  }

  async stop (): Promise<void> {
    for (const mesh of this.meshes) await mesh.stop()
    for (const cell of this.cells) await cell.store.close()
  }

  /** Send bytes from `from` to every linked neighbour but `except`. */
  private relay (from: number, except: number, topic: Topic, bytes: Uint8Array): void {
    for (const to of this.graph[from]) {
      if (to === except || !this.links.up(from, to)) continue
      this.links.count(from, bytes.byteLength)
      this.links.countTransmissions(from, 1)
      this.queue.schedule(this.links.delay(), async () => { await this.deliver(from, to, topic, bytes) })
    }
  }

  private async deliver (from: number, to: number, topic: Topic, bytes: Uint8Array): Promise<void> {
    // A message in flight when the link went down is lost, as on a closed connection.
    if (!this.links.up(from, to) || this.silent.has(to)) return
    const cell = this.cells[to]
    if (!cell.firstSight(bytes)) return
    const sender = this.identities[from].id
    const verdict = await cell.receive(topic, bytes, sender)
    if (verdict === 'reject') {
      const counts = this.rejected[to] ?? new Map<string, number>()
      counts.set(sender, (counts.get(sender) ?? 0) + 1)
      this.rejected[to] = counts
    }
    if (verdict === 'accept') this.relay(to, from, topic, bytes)
  }

  /** A record from a sync session; news that is recent is gossiped on, as the agent's SyncedForwarder does. */
  private async ingestSynced (index: number, bytes: Uint8Array): Promise<void> {
    const record = await this.cells[index].ingest(bytes)
    if (record == null || !this.cells[index].firstSight(bytes)) return
    this.relay(index, -1, record.kind === 'peer-record' ? 'peer-records' : 'attestations', bytes)
  }

  /** See ModelCatchUpInit.vouchers. */
  private vouchers (cell: number, issuers: Set<string>): Array<{ index: number, id: string }> {
    const model = this.cells[cell]
    const self = this.identities[cell].id
    const found = new Map<string, number>()
    for (const { record } of model.store.attestations()) {
      if (record.level === 'none' || !issuers.has(record.subject) || record.issuer === self || found.has(record.issuer)) continue
      const index = this.indexById.get(record.issuer)
      if (index != null && model.peerRecord(record.issuer) != null) found.set(record.issuer, index)
    }
    return [...found].map(([id, index]) => ({ id, index }))
  }

  private changed (index: number): void {
    const pending = this.pending[index]
    if (!pending.horizon) {
      pending.horizon = true
      this.queue.schedule(HORIZON_DEBOUNCE, async () => {
        pending.horizon = false
        const before = new Set(this.cells[index].store.horizon())
        await this.cells[index].updateHorizon()
        this.catchUp.horizonChanged(index, before)
      })
    }
    if (!pending.mesh) {
      pending.mesh = true
      this.queue.schedule(MESH_DEBOUNCE, async () => {
        pending.mesh = false
        const cell = this.cells[index]
        await this.meshes[index].update(cell.view(), id => cell.peerRecord(id))
        this.emit('mesh', { cell: index, at: this.now() })
      })
    }
  }

  private linkedPairs (): Set<string> {
    const linked = new Set<string>()
    this.graph.forEach((neighbours, a) => {
      for (const b of neighbours) {
        if (a < b && this.links.up(a, b)) linked.add(`${a}-${b}`)
      }
    })
    return linked
  }

  /** Links came up: each newly linked pair syncs, the lower id initiating (as on peer:connect). */
  private onLinksChanged (): void {
    const linked = this.linkedPairs()
    for (const key of linked) {
      if (this.linkedBefore.has(key)) continue
      const [a, b] = key.split('-').map(Number)
      const [initiator, responder] = this.identities[a].id < this.identities[b].id ? [a, b] : [b, a]
      this.sync(initiator, responder)
    }
    this.linkedBefore = linked
  }

  private periodicSync (index: number): void {
    this.queue.schedule(this.syncInterval, () => { this.periodicSync(index) })
    const linked = [...this.graph[index]].filter(other => this.links.up(index, other))
    if (linked.length > 0) this.sync(index, this.random.pick(linked))
  }

  /**
   * One sync session: vector at t, the responder's vector and records at
   * t+d, the initiator's records at t+2d, as the agent's protocol orders them.
   * Like the agent, the initiator runs another session while what arrived
   * widened its horizon (SYNC_MAX_ROUNDS at most). `done` runs once the
   * last round ended or the link went down.
   */
  private sync (initiator: number, responder: number, round = 0, done: () => void = () => {}): void {
    const a = this.cells[initiator]
    const b = this.cells[responder]
    const horizonBefore = a.store.horizon().size
    const vectorA = summarise(a.store)
    this.links.count(initiator, vectorBytes(vectorA))
    this.queue.schedule(this.links.delay(), () => {
      if (!this.links.up(initiator, responder)) { done(); return }
      const vectorB = summarise(b.store)
      const forA = missingFor(b.store, vectorB, vectorA)
      this.links.count(responder, vectorBytes(vectorB))
      for (const bytes of forA) this.links.count(responder, FRAME_OVERHEAD + bytes.byteLength)
      this.queue.schedule(this.links.delay(), async () => {
        if (!this.links.up(initiator, responder)) { done(); return }
        for (const bytes of forA) await this.ingestSynced(initiator, bytes)
        const widened = forA.length > 0 && a.store.horizon().size > horizonBefore
        const forB = missingFor(a.store, summarise(a.store), vectorB)
        for (const bytes of forB) this.links.count(initiator, FRAME_OVERHEAD + bytes.byteLength)
        this.queue.schedule(this.links.delay(), async () => {
          if (!this.links.up(initiator, responder)) { done(); return }
          for (const bytes of forB) await this.ingestSynced(responder, bytes)
          if (widened && round + 1 < SYNC_MAX_ROUNDS) this.sync(initiator, responder, round + 1, done)
          else done()
        })
      })
    })
  }
}
