/**
 * One real cell core for the libp2p mode: a libp2p node from the agent's
 * own builder (Noise, Yamux, identify, ping, Kademlia DHT with peer-record
 * validators, gossipsub with the trust scoring) on the simulated links,
 * the agent's TrustNode with a preloaded store, and a mesh reconciler.
 */
import { ATTESTATION_TOPIC, PEER_RECORD_TOPIC, TrustNode, VerifiedSet, createCellLibp2p, dhtPeerRecordOptions, trustGossipOptions } from '@cell/agent'
import { TrustEngine } from '@cell/trust'
import { MemoryDatastore } from 'datastore-core'
import { pino } from 'pino'
import { MESH_DEBOUNCE } from '../constants.ts'
import { CellMesh } from '../core/cell-mesh.ts'
import { openCellDatabase } from '../core/cell-store.ts'
import { memoryAddress, peerRecordContent } from '../core/identities.ts'
import type { LinkHub } from './link-transport.ts'
import type { LinkModel } from '../core/links.ts'
import type { Identity } from '../core/identities.ts'
import type { InitialState } from '../core/initial-state.ts'
import type { ObservedStore, StoredListener } from '../core/observed-store.ts'
import type { DhtRole, LinkTransport } from '../core/options.ts'
import type { CellLibp2p, Sublevel } from '@cell/agent'

const silent = pino({ level: 'silent' })
/** Connections a simulated cell keeps at most (the agent's default is similar). */
const MAX_CONNECTIONS = 100

export interface Libp2pCellInit {
  identity: Identity
  state: InitialState
  hub: LinkHub
  runId: string
  syncInterval: number
  /**
   * Whether the cell serves the DHT (as an agent does) or only queries it.
   * A DHT server's upkeep (pinging new contacts, self-queries, table
   * refresh) is small for one machine but, times hundreds of cells on one
   * event loop, it starves everything else; see simulations/README.md.
   */
  dht: DhtRole
  /** Simulated links through `hub`, or loopback TCP */
  transport: LinkTransport
  onStored: StoredListener
  /** The cell reconciled its mesh */
  onMesh(): void
}

export class Libp2pCell {
  readonly identity: Identity
  readonly libp2p: CellLibp2p
  readonly node: TrustNode
  readonly store: ObservedStore
  readonly engine: TrustEngine
  readonly mesh: CellMesh
  /** Gossip messages this cell's validators rejected, per sending peer */
  readonly rejected = new Map<string, number>()
  private meshTimer?: NodeJS.Timeout
  private readonly onMesh: () => void

  private constructor (init: Libp2pCellInit, libp2p: CellLibp2p, node: TrustNode, store: ObservedStore, engine: TrustEngine) {
    this.identity = init.identity
    this.libp2p = libp2p
    this.node = node
    this.store = store
    this.engine = engine
    this.mesh = new CellMesh(init.identity)
    this.onMesh = init.onMesh
  }

  static async create (init: Libp2pCellInit): Promise<Libp2pCell> {
    const { identity } = init
    const db = await openCellDatabase(identity, init.state, init.onStored)
    const verified = new VerifiedSet(db.verified as Sublevel)
    await verified.load()
    let node: TrustNode | undefined
    const libp2p = await createCellLibp2p({
      privateKey: identity.privateKey,
      datastore: new MemoryDatastore(),
      listen: [init.transport === 'tcp' ? '/ip4/127.0.0.1/tcp/0' : memoryAddress(init.runId, identity.index)],
      announce: [],
      bootstrap: [],
      mdns: false,
      maxConnections: MAX_CONNECTIONS,
      dht: { ...dhtPeerRecordOptions(), clientMode: init.dht === 'client' },
      gossipsub: trustGossipOptions(peerId => node?.appScore(peerId) ?? 0),
      ...(init.transport === 'tcp' ? {} : { transports: [init.hub.transport(identity.index)] })
    })
    await db.store.open()
    const engine = new TrustEngine({ selfId: identity.id })
    node = new TrustNode({
      libp2p,
      privateKey: identity.privateKey,
      store: db.store,
      engine,
      verified,
      log: silent,
      peerRecordContent: () => peerRecordContent(identity, init.runId),
      syncInterval: init.syncInterval
    })
    const cell = new Libp2pCell(init, libp2p, node, db.store, engine)
    await cell.mesh.start()
    node.on('change', () => { cell.scheduleMesh() })
    await node.start()
    cell.countRejections()
    cell.countTransmissions(init.hub.links)
    await cell.updateMesh()
    return cell
  }

  /**
   * Wrap the TrustNode's gossip validators to count rejections per sending
   * peer; the verdicts pass through unchanged.
   */
  private countRejections (): void {
    const validators = this.libp2p.services.pubsub.topicValidators
    for (const topic of [ATTESTATION_TOPIC, PEER_RECORD_TOPIC]) {
      const validate = validators.get(topic)
      if (validate == null) continue
      validators.set(topic, async (peer, message) => {
        const verdict = await validate(peer, message)
        if (String(verdict) === 'reject') this.rejected.set(peer.toString(), (this.rejected.get(peer.toString()) ?? 0) + 1)
        return verdict
      })
    }
  }

  /**
   * Count the records gossipsub sends whole, one per peer they go to (its
   * IHAVE/IWANT and other control traffic is not counted here, the link
   * counters see it). sendRpc is gossipsub's one exit for RPCs; it is not on
   * the exported interface, so it is wrapped here, passing everything on.
   */
  private countTransmissions (links: LinkModel): void {
    const pubsub = this.libp2p.services.pubsub as unknown as { sendRpc(id: string, rpc: { messages?: unknown[] }): boolean }
    const send = pubsub.sendRpc.bind(pubsub)
    pubsub.sendRpc = (id, rpc) => {
      const sent = send(id, rpc)
      if (sent) links.countTransmissions(this.identity.index, rpc.messages?.length ?? 0)
      return sent
    }
  }

  async updateMesh (): Promise<void> {
    await this.mesh.update(this.node.view('mesh'), id => this.store.peerRecord(id))
    this.onMesh()
  }

  /** The agent debounces trust changes before touching the mesh; so does the simulation. */
  private scheduleMesh (): void {
    if (this.meshTimer != null) return
    this.meshTimer = setTimeout(() => {
      this.meshTimer = undefined
      void this.updateMesh().catch(() => {})
    }, MESH_DEBOUNCE)
  }

  async stop (): Promise<void> {
    clearTimeout(this.meshTimer)
    await this.node.stop().catch(() => {})
    await this.libp2p.stop()
    await this.mesh.stop()
    await this.store.close()
  }
}
