/**
 * The libp2p-mode network: every cell a real cell core (libp2p, gossipsub,
 * sync, DHT, TrustNode, mesh reconciler) in this process, connected along
 * the topology over simulated links. Time is wall-clock time.
 */
import { EventEmitter } from 'node:events'
import { setTimeout as sleep } from 'node:timers/promises'
import { ATTESTATION_TOPIC, PEER_RECORD_TOPIC, summarise } from '@cell/agent'
import { multiaddr } from '@multiformats/multiaddr'
import { POLL_INTERVAL } from '../constants.ts'
import { CellMesh } from '../core/cell-mesh.ts'
import { memoryAddress } from '../core/identities.ts'
import { DeliveryTracker } from '../metrics/delivery.ts'
import { LinkHub } from './link-transport.ts'
import { Libp2pCell } from './libp2p-cell.ts'
import type { Identity } from '../core/identities.ts'
import type { LinkModel } from '../core/links.ts'
import type { AttestInit, NetworkEvents, Resources, SimNetwork } from '../core/network.ts'
import type { NetworkInit } from '../core/network-init.ts'
import type { LinkTransport } from '../core/options.ts'
import type { Graph } from '../core/topology.ts'
import type { VersionVector } from '@cell/agent'
import type { Attestation, StoreCounters, TrustView } from '@cell/trust'

/** Dials in flight at once while wiring the topology. */
const DIAL_BATCH = 32
/** How long set-up waits for gossipsub meshes to form, ms. */
const MESH_FORMATION_TIMEOUT = 5000
/** Gossipsub's lower mesh degree (D_lo): a cell with this many mesh peers is wired in. */
const MESH_DEGREE_LOW = 4
/** Set-up is over when no cell stored a record for this long, ms... */
const SETTLE_QUIET = 1000
/** ...or after this long at most, plus SETTLE_PER_CELL per cell. */
const SETTLE_TIMEOUT = 10_000
const SETTLE_PER_CELL = 100
/** How long the idle load is sampled after set-up, ms. */
const IDLE_SAMPLE = 3000

export class Libp2pNetwork extends EventEmitter<NetworkEvents> implements SimNetwork {
  readonly mode = 'libp2p' as const
  readonly identities: Identity[]
  readonly graph: Graph
  readonly links: LinkModel
  readonly tracker = new DeliveryTracker()
  readonly cells: Libp2pCell[] = []
  private readonly runId: string
  private readonly hub: LinkHub
  private readonly transport: LinkTransport
  private startedAt = Date.now()
  /** Records stored by any cell so far, tracked or not: what settle() watches */
  private stored = 0
  /** Process CPU per wall ms with the network idle after set-up (1 = one core busy) */
  private idleCpuShare = 0

  private constructor (init: NetworkInit) {
    super()
    this.identities = init.identities
    this.graph = init.graph
    this.links = init.links
    this.runId = init.runId
    this.hub = new LinkHub(init.links)
    this.transport = init.transport
  }

  static async create (init: NetworkInit): Promise<Libp2pNetwork> {
    const network = new Libp2pNetwork(init)
    for (const identity of init.identities) {
      const index = identity.index
      network.cells.push(await Libp2pCell.create({
        identity,
        state: init.state,
        hub: network.hub,
        runId: init.runId,
        syncInterval: init.syncInterval,
        dht: init.dht,
        transport: init.transport,
        onStored: (id, kept) => {
          network.stored++
          network.tracker.arrived(index, id, network.now(), kept)
        },
        onMesh: () => { network.emit('mesh', { cell: index, at: network.now() }) }
      }))
      init.onProgress?.(network.cells.length, init.identities.length)
    }
    await network.setUp(init, 'connecting')

    // Building hundreds of cells blocks the shared event loop for seconds at
    // a time, so connection-monitor pings time out and early connections are
    // aborted; libp2p's own redials give up after a few tries. A cell would
    // redial its trusted peers within a sync round (30 s); do it now, before
    // measuring.
    await network.setUp(init, 'reconnecting')
    init.onProgress?.(0, 1, 'sampling the idle load')
    await network.sampleIdleLoad()
    network.startedAt = Date.now()
    return network
  }

  /** Dial the topology, wait for gossip meshes, then for start-up records to settle; with progress. */
  private async setUp (init: NetworkInit, label: string): Promise<void> {
    await this.reconnect((done, total) => { init.onProgress?.(done, total, label) })
    await this.waitFor(() => {
      const formed = this.cellsWithMesh()
      init.onProgress?.(formed, this.cells.length, 'forming gossip meshes')
      return formed === this.cells.length
    }, MESH_FORMATION_TIMEOUT)
    init.onProgress?.(0, 1, 'settling')
    await this.settle()
  }

  /**
   * The CPU the network costs with nothing to carry (gossipsub heartbeats,
   * connection-monitor pings, DHT upkeep), as a share of one core: the
   * floor under everything the run measures, since every cell shares this
   * process's event loop.
   */
  private async sampleIdleLoad (): Promise<void> {
    const before = process.cpuUsage()
    const startedAt = Date.now()
    await sleep(IDLE_SAMPLE)
    const used = process.cpuUsage(before)
    this.idleCpuShare = (used.user + used.system) / 1000 / (Date.now() - startedAt)
  }

  now (): number {
    return Date.now() - this.startedAt
  }

  clock (): number {
    return Date.now()
  }

  async attest (cell: number, subject: string, init: AttestInit = {}): Promise<string> {
    const level = init.level ?? 'full'
    const publishedAt = this.now()
    this.tracker.beginPublish()
    try {
      const { node, store } = this.cells[cell]
      await node.attest({ subject, level, scopes: ['*'], maxDepth: level === 'none' ? 0 : init.maxDepth ?? 2 })
      const record = store.attestations().find(r => r.issuer === node.selfId && r.record.subject === subject)
      if (record == null) throw new Error('the attestation just made is not in the store')
      this.tracker.track(record.id, publishedAt)
      this.tracker.arrived(cell, record.id, publishedAt)
      return record.id
    } finally {
      this.tracker.endPublish()
    }
  }

  async publishRaw (cell: number, topic: 'attestations' | 'peer-records', bytes: Uint8Array): Promise<void> {
    const name = topic === 'attestations' ? ATTESTATION_TOPIC : PEER_RECORD_TOPIC
    await this.cells[cell].libp2p.services.pubsub.publish(name, bytes).catch(() => {})
  }

  view (cell: number): TrustView {
    return this.cells[cell].node.view('mesh')
  }

  horizon (cell: number): Set<string> {
    return this.cells[cell].engine.horizon(Date.now())
  }

  holds (cell: number, recordId: string): boolean {
    return this.tracker.holds(cell, recordId)
  }

  meshPeers (cell: number): Set<string> {
    return this.cells[cell].mesh.peers()
  }

  expectedMeshPeers (cell: number): Set<string> {
    const { node, store } = this.cells[cell]
    return new Set(CellMesh.expected(node.view('mesh'), id => store.peerRecord(id)).map(peer => peer.cellId))
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
    await this.cells[to].node.ingest(record.envelope)
    return true
  }

  gossipPeers (cell: number): string[] {
    return this.cells[cell].libp2p.services.pubsub.getSubscribers(ATTESTATION_TOPIC).map(peer => peer.toString())
  }

  silence (cell: number): void {
    // Replaces the TrustNode's validators: the cell still takes part in
    // the gossipsub mesh but never passes a message on.
    const pubsub = this.cells[cell].libp2p.services.pubsub
    for (const topic of [ATTESTATION_TOPIC, PEER_RECORD_TOPIC]) pubsub.topicValidators.set(topic, async () => 'ignore' as any)
  }

  scores (cell: number): Record<string, number> {
    return this.cells[cell].node.scores()
  }

  scoreOf (cell: number, peerId: string): number | undefined {
    // getScore is on the gossipsub class, not on its exported interface.
    return (this.cells[cell].libp2p.services.pubsub as unknown as { getScore(peer: string): number }).getScore(peerId)
  }

  rejectedFrom (cell: number): Map<string, number> {
    return this.cells[cell].rejected
  }

  async setOnline (cells: readonly number[], online: boolean): Promise<void> {
    for (const cell of cells) this.links.setOnline(cell, online)
    if (online) await this.reconnect()
  }

  async setPartition (group: Int32Array | null): Promise<void> {
    this.links.setPartition(group)
    await this.reconnect()
  }

  async waitFor (predicate: () => boolean, timeout: number): Promise<boolean> {
    const deadline = Date.now() + timeout
    while (!predicate()) {
      if (Date.now() >= deadline) return false
      await sleep(POLL_INTERVAL)
    }
    return true
  }

  async advance (ms: number): Promise<void> {
    await sleep(ms)
  }

  resources (): Resources {
    const cpu = process.cpuUsage()
    const memory = process.memoryUsage()
    return { rss: memory.rss, heapUsed: memory.heapUsed, cpuMs: (cpu.user + cpu.system) / 1000 }
  }

  async stop (): Promise<void> {
    await Promise.all(this.cells.map(async cell => { await cell.stop() }))
  }

  /**
   * Topology links as gossip sees them: directions (cell → neighbour, link
   * up) with no connection, and with a connection but no outbound gossipsub
   * stream. Gossipsub opens that stream once per connection and does not
   * retry a failed attempt, and without it the cell never sends the
   * neighbour anything.
   */
  modeMetrics (): Record<string, number> {
    let directions = 0
    let unconnected = 0
    let withoutGossipStream = 0
    this.graph.forEach((neighbours, a) => {
      for (const b of neighbours) {
        if (!this.links.up(a, b)) continue
        directions++
        const connections = this.cells[a].libp2p.getConnections(this.cells[b].libp2p.peerId)
        if (connections.length === 0) {
          unconnected++
        } else if (!connections.some(c => c.streams.some(st => st.direction === 'outbound' && st.protocol?.startsWith('/meshsub/') === true))) {
          withoutGossipStream++
        }
      }
    })
    return {
      linkDirections: directions,
      linkDirectionsUnconnected: unconnected,
      linkDirectionsWithoutGossipStream: withoutGossipStream,
      idleCpuShare: Math.round(this.idleCpuShare * 100) / 100
    }
  }

  /** Dial every topology edge whose link is up and that has no connection. */
  private async reconnect (onProgress?: (done: number, total: number) => void): Promise<void> {
    const dials: Array<() => Promise<void>> = []
    this.graph.forEach((neighbours, a) => {
      for (const b of neighbours) {
        if (a > b || !this.links.up(a, b)) continue
        const target = this.cells[b].libp2p.peerId
        if (this.cells[a].libp2p.getConnections(target).some(connection => connection.status === 'open')) continue
        const address = this.transport === 'tcp'
          ? this.cells[b].libp2p.getMultiaddrs()[0]
          : multiaddr(`${memoryAddress(this.runId, b)}/p2p/${target.toString()}`)
        dials.push(async () => { await this.cells[a].libp2p.dial(address, { signal: AbortSignal.timeout(10_000) }).catch(() => {}) })
      }
    })
    for (let i = 0; i < dials.length; i += DIAL_BATCH) {
      onProgress?.(i, dials.length)
      await Promise.all(dials.slice(i, i + DIAL_BATCH).map(async dial => { await dial() }))
    }
    onProgress?.(dials.length, dials.length)
  }

  /**
   * Cells that gossip with at least two subscribed peers (or all they have).
   * Directly trusted cells are gossipsub direct peers, which get every
   * message but never join the mesh, so they count alongside mesh peers.
   */
  private cellsWithMesh (): number {
    return this.cells.filter(cell => {
      // getMeshPeers and direct are on the gossipsub class, not on its exported interface.
      const pubsub = cell.libp2p.services.pubsub as unknown as { getMeshPeers(topic: string): string[], getSubscribers(topic: string): Array<{ toString(): string }>, direct?: Set<string> }
      const subscribers = pubsub.getSubscribers(ATTESTATION_TOPIC).map(peer => peer.toString())
      const direct = subscribers.filter(peer => pubsub.direct?.has(peer) === true).length
      return pubsub.getMeshPeers(ATTESTATION_TOPIC).length + direct >= Math.min(MESH_DEGREE_LOW, 2, subscribers.length)
    }).length
  }

  /**
   * Start-up work (every cell re-issues its peer record on start, and sync
   * runs on every new connection) would compete with the first measurement
   * for the one event loop: wait until no cell stored a record for a while.
   * Links never go quiet (gossipsub heartbeats, pings), so the store is
   * what is watched.
   */
  async settle (): Promise<void> {
    const deadline = Date.now() + SETTLE_TIMEOUT + SETTLE_PER_CELL * this.cells.length
    let last = -1
    let quietSince = Date.now()
    while (Date.now() < deadline) {
      if (this.stored !== last) { last = this.stored; quietSince = Date.now() }
      if (Date.now() - quietSince >= SETTLE_QUIET) return
      await sleep(POLL_INTERVAL * 5)
    }
  }
}
