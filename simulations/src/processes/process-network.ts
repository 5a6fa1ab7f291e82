/**
 * The processes-mode network: one real agent process per cell
 * (packages/agent/bin/cell-agent.mjs), talking libp2p over TCP on
 * 127.0.0.1, driven and observed only through each agent's HTTP API. It
 * cross-checks the in-process modes with the whole agent (API, service
 * bus, storage on disk, mesh manager) in separate processes.
 *
 * The agents' stores cannot be preloaded, so set-up replays the start
 * state: connect the agents along the topology, make every start-state
 * attestation through the issuer's API, and wait until every cell's view
 * and WireGuard peers match the topology's trust. The scenarios ask
 * synchronous questions; they are answered from a snapshot of each cell,
 * re-read every POLL_INTERVAL ms, so a record's arrival time is the first
 * poll that saw it (poll-interval resolution).
 */
import { EventEmitter } from 'node:events'
import { setTimeout as sleep } from 'node:timers/promises'
import { SimulationError } from '../errors.ts'
import { DeliveryTracker } from '../metrics/delivery.ts'
import { distribution } from '../metrics/stats.ts'
import { AgentProcess } from './agent-process.ts'
import { readSnapshot, recordIdOf } from './cell-snapshot.ts'
import { ProcessResources } from './process-resources.ts'
import { runAll } from './run-all.ts'
import { expectedStart, matchesStart, sameSet } from './start-expectation.ts'
import { PROCESS_POLL_INTERVAL as POLL_INTERVAL, unsupported } from './support.ts'
import { ProcessLinks } from './tcp-traffic.ts'
import type { CellSnapshot } from './cell-snapshot.ts'
import type { Identity } from '../core/identities.ts'
import type { AttestInit, CellView, NetworkEvents, Resources, SimNetwork } from '../core/network.ts'
import type { NetworkInit } from '../core/network-init.ts'
import type { Graph } from '../core/topology.ts'
import type { VersionVector } from '@cell/agent'
import type { Attestation, StoreCounters } from '@cell/trust'

/** Agents starting at once: each start costs about a second of CPU, on two shared cores. */
const START_CONCURRENCY = 4
/** API calls in flight at once during set-up. */
const SETUP_CONCURRENCY = 8
/** Cells read at once per poll (four requests each). */
const POLL_CONCURRENCY = 4
/** Peer records, store counters, scores and heap are read every this many rounds. */
const SLOW_EVERY = 5
/** Dials per topology edge before set-up fails, and the pause between them, ms. */
const DIAL_ATTEMPTS = 3
const DIAL_RETRY_PAUSE = 500
/** Pause between connecting the agents and the first attestation, ms (gossipsub's heartbeat is 1 s). */
const GOSSIP_SETTLE = 2_000
/** Poll rounds in a row that may fail (API timeouts under load) before the run is given up. */
const MAX_FAILED_ROUNDS = 10
/** How long set-up waits for views and meshes to match the topology's trust, ms. */
const SETUP_CONVERGENCE_TIMEOUT = 90_000

export class ProcessNetwork extends EventEmitter<NetworkEvents> implements SimNetwork {
  readonly mode = 'processes' as const
  readonly identities: Identity[]
  readonly graph: Graph
  readonly links: ProcessLinks
  readonly tracker = new DeliveryTracker()
  private readonly agents: AgentProcess[] = []
  private readonly snapshots: CellSnapshot[] = []
  private readonly meter = new ProcessResources()
  private startedAt = Date.now()
  private polling = false
  private pollLoop?: Promise<void>
  private rounds = 0
  private roundWaiters: Array<() => void> = []
  private pollError?: Error
  /** Time from each poll round's start to the next one's since the measured part began, ms */
  private roundDurations: number[] = []

  private constructor (init: NetworkInit) {
    super()
    this.identities = init.identities
    this.graph = init.graph
    this.links = new ProcessLinks(init.identities.length, init.random)
  }

  static async create (init: NetworkInit): Promise<ProcessNetwork> {
    const network = new ProcessNetwork(init)
    try {
      await network.setUp(init)
    } catch (err) {
      await network.stop()
      throw err
    }
    return network
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
      const { attestation } = level === 'none'
        ? await this.agents[cell].call<{ attestation: Attestation }>('POST', '/api/trust/revoke', { cell: subject })
        : await this.agents[cell].call<{ attestation: Attestation }>('POST', '/api/trust/attestations', { cell: subject, level, scopes: ['*'], maxDepth: init.maxDepth ?? 2 })
      const id = recordIdOf(attestation)
      this.tracker.track(id, publishedAt, `cell-${cell}#${attestation.seq}`)
      this.tracker.arrived(cell, id, publishedAt)
      return id
    } finally {
      this.tracker.endPublish()
    }
  }

  async publishRaw (): Promise<void> {
    throw unsupported('publish raw gossip')
  }

  view (cell: number): CellView {
    return this.snapshots[cell].view
  }

  horizon (cell: number): Set<string> {
    return this.snapshots[cell].horizon
  }

  holds (cell: number, recordId: string): boolean {
    return this.tracker.holds(cell, recordId)
  }

  meshPeers (cell: number): Set<string> {
    return this.snapshots[cell].meshPeers
  }

  /** As the agent's mesh: every cell trusted for some scope whose peer record it holds. */
  expectedMeshPeers (cell: number): Set<string> {
    const { horizon, peerRecords } = this.snapshots[cell]
    const self = this.identities[cell].id
    return new Set([...horizon].filter(id => id !== self && peerRecords?.has(id) === true))
  }

  storeCounters (cell: number): StoreCounters {
    const counters = this.snapshots[cell].counters
    if (counters == null) throw new SimulationError(`cell ${cell}: store counters not read yet`)
    return counters
  }

  /** Quarantined attestations (the API lists those, not quarantined peer records). */
  quarantineSize (cell: number): number {
    return this.snapshots[cell].quarantined
  }

  attestations (cell: number): Attestation[] {
    return this.snapshots[cell].attestations
  }

  /**
   * Per issuer in the horizon: highest seq and number of records, over the
   * records the API lists (latest attestation per subject and the latest
   * peer record), which is what the store's log keeps in these scenarios.
   */
  recordSummary (cell: number): VersionVector {
    const { attestations, horizon, peerRecords } = this.snapshots[cell]
    const vector: VersionVector = new Map()
    for (const attestation of attestations) {
      if (!horizon.has(attestation.issuer)) continue
      const entry = vector.get(attestation.issuer) ?? { seq: -1, count: 0 }
      vector.set(attestation.issuer, { seq: Math.max(entry.seq, attestation.seq), count: entry.count + 1 })
    }
    // Peer record seqs are not listed by id here; count them without a seq.
    for (const id of peerRecords ?? []) {
      if (!horizon.has(id)) continue
      const entry = vector.get(id) ?? { seq: -1, count: 0 }
      vector.set(id, { seq: entry.seq, count: entry.count + 1 })
    }
    return vector
  }

  async handOver (): Promise<boolean> {
    throw unsupported('hand records over outside the network')
  }

  gossipPeers (): string[] {
    throw unsupported('list gossipsub subscribers')
  }

  silence (): void {
    throw unsupported('silence a cell\'s gossip relaying')
  }

  scores (cell: number): Record<string, number> {
    return this.snapshots[cell].scores ?? {}
  }

  scoreOf (cell: number, peerId: string): number | undefined {
    return this.snapshots[cell].scores?.[peerId]
  }

  rejectedFrom (): Map<string, number> {
    throw unsupported('count rejected gossip per sending peer')
  }

  async setOnline (): Promise<void> {
    throw unsupported('take cells offline')
  }

  async setPartition (): Promise<void> {
    throw unsupported('partition the network')
  }

  /** Poll until `predicate` holds on fresh snapshots, or `timeout` ms pass. */
  async waitFor (predicate: () => boolean, timeout: number): Promise<boolean> {
    const deadline = Date.now() + timeout
    while (!predicate()) {
      if (this.pollError != null) throw this.pollError
      if (Date.now() >= deadline) return false
      await this.nextRound(deadline - Date.now())
    }
    return true
  }

  async advance (ms: number): Promise<void> {
    await sleep(ms)
  }

  /** Summed over the agent processes (the sim's own polling is not included). */
  resources (): Resources {
    const usage = this.meter.read(this.agents.map(agent => agent.pid))
    const heapUsed = this.snapshots.reduce((sum, snapshot) => sum + (snapshot?.heapUsed ?? 0), 0)
    return { rss: usage.rss, heapUsed, cpuMs: usage.cpuMs }
  }

  /** How long a poll round took: the resolution of every time this mode reports. */
  modeMetrics (): Record<string, number> {
    const rounds = distribution(this.roundDurations)
    return { pollRounds: rounds.count, pollRoundP50Ms: rounds.p50, pollRoundP90Ms: rounds.p90, pollRoundMaxMs: rounds.max }
  }

  async stop (): Promise<void> {
    this.polling = false
    await this.pollLoop
    await Promise.all(this.agents.map(async agent => { await agent.stop() }))
  }

  private async setUp (init: NetworkInit): Promise<void> {
    const cells = this.identities.length
    const edges = this.edges()
    const attestations = init.state.attestations
    const total = cells + edges.length + attestations.length + cells
    let done = 0
    const step = (): void => { init.onProgress?.(++done, total) }
    const syncIntervalSeconds = init.syncInterval === 0 ? 0 : Math.max(1, Math.round(init.syncInterval / 1000))

    // Start the agents; each must run the seeded identity the scenario knows.
    const ports: number[] = []
    const addresses: string[] = []
    await runAll(START_CONCURRENCY, this.identities.map(identity => async () => {
      const agent = await AgentProcess.start({ identity, syncIntervalSeconds, dhtMode: init.dht })
      this.agents[identity.index] = agent
      const { cellId, multiaddrs } = await agent.call<{ cellId: string, multiaddrs: string[] }>('GET', '/api/identity')
      if (cellId !== identity.id) throw new SimulationError(`agent of cell ${identity.index} runs as ${cellId}, not the seeded ${identity.id}`)
      const tcp = multiaddrs.find(address => address.startsWith('/ip4/127.0.0.1/tcp/'))
      if (tcp == null) throw new SimulationError(`agent of cell ${identity.index} listens on no 127.0.0.1 TCP address: ${multiaddrs.join(' ')}`)
      addresses[identity.index] = tcp.includes('/p2p/') ? tcp : `${tcp}/p2p/${cellId}`
      ports[identity.index] = Number(tcp.split('/')[4])
      step()
    }))
    for (const [cell, agent] of this.agents.entries()) this.links.addAgent(cell, agent.pid, ports[cell])

    // Connect along the topology, then attest along it as the start state says.
    await runAll(SETUP_CONCURRENCY, edges.map(([a, b]) => async () => {
      await this.connect(a, b, addresses[b])
      step()
    }))
    // Gossipsub sends a record only to peers whose subscriptions it has
    // seen; records published before that reach a cell only by a later
    // sync. Connections made, give subscriptions and meshes a heartbeat or two.
    await sleep(GOSSIP_SETTLE)
    const indexOf = new Map(this.identities.map(identity => [identity.id, identity.index]))
    await runAll(SETUP_CONCURRENCY, attestations.map(attestation => async () => {
      const issuer = indexOf.get(attestation.issuer)
      if (issuer == null) throw new SimulationError(`start-state attestation by ${attestation.issuer}, which runs no agent`)
      await this.agents[issuer].call('POST', '/api/trust/attestations', { cell: attestation.subject, level: attestation.level, scopes: attestation.scopes, maxDepth: attestation.maxDepth })
      step()
    }))

    // Wait for every cell to trust what the topology implies, in view and
    // mesh, and to hold every start-state record it keeps.
    await this.refreshAll(true)
    this.polling = true
    this.pollLoop = this.poll()
    const expected = expectedStart(this.identities, init.state, Date.now())
    const converged = (): number => expected.filter((start, cell) => matchesStart(this.snapshots[cell], start)).length
    const ok = await this.waitFor(() => {
      init.onProgress?.(done + converged(), total)
      return converged() === cells
    }, SETUP_CONVERGENCE_TIMEOUT)
    if (!ok) {
      throw new SimulationError(`processes mode: after ${SETUP_CONVERGENCE_TIMEOUT / 1000} s only ${converged()} of ${cells} cells trust what the topology implies (view and WireGuard peers) and hold the start state's records`)
    }
    this.startedAt = Date.now()
    this.roundDurations = []
  }

  /**
   * Dial `b` from `a`. Agents also dial each other on their own (peers the
   * DHT finds), and two dials crossing can fail with "remote closed
   * connection during opening"; a connection that exists either way is
   * what counts, so check for one and retry before giving up.
   */
  private async connect (a: number, b: number, address: string): Promise<void> {
    const target = this.identities[b].id
    let failure: unknown
    for (let attempt = 0; attempt < DIAL_ATTEMPTS; attempt++) {
      try {
        await this.agents[a].call('POST', '/api/peers/connect', { multiaddr: address })
        return
      } catch (err) {
        failure = err
      }
      const { peers } = await this.agents[a].call<{ peers: Array<{ peerId: string }> }>('GET', '/api/peers')
      if (peers.some(peer => peer.peerId === target)) return
      await sleep(DIAL_RETRY_PAUSE)
    }
    throw failure
  }

  /** Each topology edge once, as [lower index, higher index]. */
  private edges (): Array<[number, number]> {
    const edges: Array<[number, number]> = []
    this.graph.forEach((neighbours, a) => {
      for (const b of neighbours) if (a < b) edges.push([a, b])
    })
    return edges
  }

  private async poll (): Promise<void> {
    let failures = 0
    while (this.polling) {
      const started = Date.now()
      try {
        await Promise.all([this.refreshAll(this.rounds % SLOW_EVERY === 0), this.links.sample()])
        failures = 0
      } catch (err) {
        // A slow answer on a loaded machine is retried next round; a dead
        // agent or an API that keeps failing ends the run.
        failures++
        const fatal = this.deadAgentError() ?? (failures >= MAX_FAILED_ROUNDS ? err as Error : undefined)
        if (fatal != null) {
          this.pollError = fatal
          this.polling = false
        }
      }
      this.rounds++
      for (const wake of this.roundWaiters.splice(0)) wake()
      const rest = POLL_INTERVAL - (Date.now() - started)
      if (this.polling && rest > 0) await sleep(rest)
      // From one round's start to the next: how stale a snapshot can be.
      this.roundDurations.push(Date.now() - started)
    }
    for (const wake of this.roundWaiters.splice(0)) wake()
  }

  private async nextRound (within: number): Promise<void> {
    if (!this.polling) {
      await sleep(Math.min(within, POLL_INTERVAL))
      return
    }
    const timer = sleep(within)
    await Promise.race([new Promise<void>(resolve => { this.roundWaiters.push(resolve) }), timer])
  }

  /** Re-read every cell; note first sightings of records and mesh changes. */
  private async refreshAll (slow: boolean): Promise<void> {
    await runAll(POLL_CONCURRENCY, this.agents.map((agent, cell) => async () => {
      const before = this.snapshots[cell]
      const snapshot = await readSnapshot(agent, this.identities[cell].id, () => this.now(), slow, () => {
        throw unsupported('explain a trust view synchronously')
      })
      this.snapshots[cell] = slow || before == null ? snapshot : { ...snapshot, peerRecords: before.peerRecords, counters: before.counters, scores: before.scores, heapUsed: before.heapUsed }
      const known = new Set(before?.attestations.map(recordIdOf))
      for (const attestation of snapshot.attestations) {
        const id = recordIdOf(attestation)
        this.tracker.arrived(cell, id, snapshot.at)
        if (before != null && !known.has(id)) this.emit('accepted', { cell, recordId: id, at: snapshot.at })
      }
      if (before == null || !sameSet(before.meshPeers, snapshot.meshPeers)) this.emit('mesh', { cell, at: snapshot.at })
    }))
  }

  private deadAgentError (): SimulationError | undefined {
    const dead = this.agents.find(agent => !agent.running)
    return dead == null ? undefined : new SimulationError(`the agent of cell ${dead.identity.index} exited during the run (code ${dead.child.exitCode ?? dead.child.signalCode}): ${dead.stderr()}`)
  }
}
