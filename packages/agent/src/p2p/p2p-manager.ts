/**
 * The `p2p` service: runs the libp2p node, reports peers joining and
 * leaving on the service bus, and looks for more cells through the DHT
 * whenever a new DHT server connects (so cells that only know a bootstrap
 * cell find each other within seconds).
 */
import { multiaddr } from '@multiformats/multiaddr'
import { DHT_PROTOCOL } from '../constants.ts'
import { createCellLibp2p } from './libp2p-node.ts'
import type { Libp2pNodeInit, CellLibp2p } from './libp2p-node.ts'
import type { ServiceBus } from '../bus/service-bus.ts'
import type { ConnectivityReport, ServiceManager } from '../bus/manager.ts'
import type { Logger } from 'pino'

/** Minimum spacing of DHT discovery walks, and the budget of one walk. */
const DISCOVERY_INTERVAL = 2_000
const DISCOVERY_TIMEOUT = 10_000
/**
 * Delay from identify showing a peer's DHT protocol to the walk: the DHT
 * adds the peer to its routing table asynchronously after that, and a
 * walk over an empty table ends at once.
 */
const DISCOVERY_SETTLE = 250
const CONNECTIVITY_PING_PEERS = 5

export interface P2PManagerInit {
  log: Logger
  bus: ServiceBus
  /** Called at each start so config changes apply on restart */
  nodeInit(): Libp2pNodeInit
  /** Called with the started node, before the manager reports running */
  onStarted?(node: CellLibp2p): Promise<void> | void
}

export class P2PManager implements ServiceManager {
  readonly name = 'p2p'
  readonly dependencies = [] as const
  private readonly init: P2PManagerInit
  private node?: CellLibp2p
  private lastWalk = 0
  private walking = false
  private walkAgain = false
  private walkTimer?: NodeJS.Timeout

  constructor (init: P2PManagerInit) {
    this.init = init
  }

  get libp2p (): CellLibp2p | undefined {
    return this.node
  }

  async start (): Promise<void> {
    const node = await createCellLibp2p(this.init.nodeInit())
    this.node = node

    node.addEventListener('peer:connect', event => {
      this.init.bus.publish('peer:connected', { peer: event.detail.toString() })
    })
    node.addEventListener('peer:disconnect', event => {
      this.init.bus.publish('peer:disconnected', { peer: event.detail.toString() })
    })

    if (node.status !== 'started') {
      await node.start()
    }
    await node.register(DHT_PROTOCOL, { onConnect: () => { this.discoverSoon() } })
    await this.init.onStarted?.(node)
    this.init.log.info({ peerId: node.peerId.toString(), addrs: node.getMultiaddrs().map(String) }, 'libp2p listening')
  }

  async stop (): Promise<void> {
    const node = this.node
    this.node = undefined
    clearTimeout(this.walkTimer)
    this.walkTimer = undefined
    await node?.stop()
  }

  status (): Record<string, unknown> {
    const node = this.node
    if (node == null) return {}
    return {
      peerId: node.peerId.toString(),
      multiaddrs: node.getMultiaddrs().map(String),
      connections: node.getConnections().length,
      peers: node.getPeers().length
    }
  }

  async testConnectivity (signal: AbortSignal): Promise<ConnectivityReport> {
    const node = this.node
    if (node == null) return { ok: false, checks: [{ name: 'libp2p', ok: false, detail: 'not running' }] }

    const checks: ConnectivityReport['checks'] = [
      { name: 'listening', ok: node.getMultiaddrs().length > 0, detail: node.getMultiaddrs().map(String).join(' ') }
    ]
    for (const peer of node.getPeers().slice(0, CONNECTIVITY_PING_PEERS)) {
      try {
        const rtt = await node.services.ping.ping(peer, { signal })
        checks.push({ name: `ping ${peer.toString()}`, ok: true, detail: `${rtt} ms` })
      } catch (err) {
        checks.push({ name: `ping ${peer.toString()}`, ok: false, detail: (err as Error).message })
      }
    }
    return { ok: checks.every(check => check.ok), checks }
  }

  /** Dial a multiaddr; used by `POST /api/peers/connect`. */
  async dial (address: string, signal: AbortSignal): Promise<string> {
    if (this.node == null) throw new Error('p2p not running')
    const connection = await this.node.dial(multiaddr(address), { signal })
    return connection.remotePeer.toString()
  }

  /** A walk once the DHT knows the new server, and at most every DISCOVERY_INTERVAL. */
  private discoverSoon (): void {
    if (this.walkTimer != null || this.node == null) return
    const delay = Math.max(DISCOVERY_SETTLE, this.lastWalk + DISCOVERY_INTERVAL - Date.now())
    this.walkTimer = setTimeout(() => {
      this.walkTimer = undefined
      this.discover()
    }, delay)
    this.walkTimer.unref()
  }

  private discover (): void {
    const node = this.node
    if (node == null) return
    if (this.walking) {
      // Servers that connected during a walk may know cells it missed.
      this.walkAgain = true
      return
    }
    this.walking = true
    this.lastWalk = Date.now()

    void (async () => {
      try {
        // A walk towards our own id returns the cells nearest to us, and
        // the query dials them on the way, which is what connects cells
        // that share only a bootstrap peer.
        const signal = AbortSignal.timeout(DISCOVERY_TIMEOUT)
        for await (const event of node.services.dht.getClosestPeers(node.peerId.toMultihash().bytes, { signal })) {
          if (event.name === 'PEER_RESPONSE') {
            for (const peer of event.closer) {
              if (!peer.id.equals(node.peerId) && node.getConnections(peer.id).length === 0) {
                await node.dial(peer.id, { signal }).catch(() => {})
              }
            }
          }
        }
      } catch (err) {
        this.init.log.debug({ err }, 'DHT discovery walk ended: %s', (err as Error).message)
      } finally {
        this.walking = false
        if (this.walkAgain) {
          this.walkAgain = false
          this.discoverSoon()
        }
      }
    })()
  }
}
