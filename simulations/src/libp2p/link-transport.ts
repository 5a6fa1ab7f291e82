/**
 * A libp2p transport between cells of one process, on /memory addresses,
 * with the LinkModel's per-message delay, link state and byte counting.
 *
 * Why not @libp2p/memory's own `latency` option: it is one value per
 * listener, and it awaits the delay buffer by buffer, so ten buffers sent
 * together arrive ten latencies apart and queues build up like a slow
 * link rather than a long one. Here every buffer is stamped with its own
 * delivery time (send time + drawn delay, never before the previous buffer
 * of the connection, as TCP keeps order) and one timer per connection
 * delivers whatever is due. The structure follows @libp2p/memory.
 */
import { ConnectionFailedError, StreamResetError, serviceCapabilities, transportSymbol } from '@libp2p/interface'
import { AbstractMultiaddrConnection } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { TypedEventEmitter } from 'main-event'
import { Uint8ArrayList } from 'uint8arraylist'
import type { LinkModel } from '../core/links.ts'
import type {
  ComponentLogger, Connection, CreateListenerOptions, DialTransportOptions, Listener, ListenerEvents, Logger, PeerId, Transport
} from '@libp2p/interface'
import type { AbstractMultiaddrConnectionInit } from '@libp2p/utils'
import type { Multiaddr } from '@multiformats/multiaddr'

interface Pending {
  at: number
  data?: Uint8ArrayList
  end?: 'close' | 'reset'
}

class LinkConnection extends AbstractMultiaddrConnection {
  remote?: LinkConnection
  private readonly links: LinkModel
  private readonly from: number
  private readonly queue: Pending[] = []
  private timer?: NodeJS.Timeout
  private lastAt = 0

  constructor (init: AbstractMultiaddrConnectionInit & { links: LinkModel, from: number }) {
    super(init)
    this.links = init.links
    this.from = init.from
  }

  sendData (data: Uint8ArrayList): { sentBytes: number, canSendMore: boolean } {
    this.links.count(this.from, data.byteLength)
    this.enqueue({ at: 0, data })
    return { sentBytes: data.byteLength, canSendMore: true }
  }

  sendReset (): void {
    this.enqueue({ at: 0, end: 'reset' })
  }

  async sendClose (): Promise<void> {
    this.enqueue({ at: 0, end: 'close' })
  }

  sendPause (): void {
    // Read backpressure is not modelled; memory links never fill up.
  }

  sendResume (): void {}

  /** The link went down: both ends fail at once, queued data is lost. */
  cut (): void {
    clearTimeout(this.timer)
    this.queue.length = 0
    this.abort(new ConnectionFailedError('simulated link down'))
  }

  private enqueue (item: Pending): void {
    item.at = Math.max(Date.now() + this.links.delay(), this.lastAt)
    this.lastAt = item.at
    this.queue.push(item)
    if (this.queue.length === 1) this.arm()
  }

  private arm (): void {
    const head = this.queue[0]
    if (head == null) return
    this.timer = setTimeout(() => { this.flush() }, Math.max(0, head.at - Date.now()))
  }

  /**
   * Deliver everything due. Consecutive data items go up as one buffer, as
   * TCP hands a reader what arrived since its last read: frame decoders
   * above scan their input buffer by buffer, and thousands of tiny buffers
   * made that scan the largest cost of a 150-cell run.
   */
  private flush (): void {
    const now = Date.now()
    while (this.queue.length > 0 && this.queue[0].at <= now) {
      const item = this.queue.shift() as Pending
      const remote = this.remote
      if (remote == null) continue
      if (item.data != null) {
        const arrived = new Uint8ArrayList(item.data)
        while (this.queue.length > 0 && this.queue[0].at <= now && this.queue[0].data != null) {
          arrived.append(this.queue.shift()?.data as Uint8ArrayList)
        }
        remote.onData(new Uint8ArrayList(arrived.subarray()))
      } else if (item.end === 'close') {
        remote.onTransportClosed()
      } else {
        remote.abort(new StreamResetError())
      }
    }
    this.arm()
  }
}

class LinkListener extends TypedEventEmitter<ListenerEvents> implements Listener {
  readonly cell: number
  private readonly hub: LinkHub
  private readonly options: CreateListenerOptions
  private address?: Multiaddr
  private readonly shutdown = new AbortController()

  constructor (hub: LinkHub, cell: number, options: CreateListenerOptions) {
    super()
    this.hub = hub
    this.cell = cell
    this.options = options
  }

  async listen (ma: Multiaddr): Promise<void> {
    this.address = ma
    this.hub.listeners.set(ma.toString(), this)
    queueMicrotask(() => { this.safeDispatchEvent('listening') })
  }

  accept (connection: LinkConnection): void {
    this.options.upgrader.upgradeInbound(connection, { signal: this.shutdown.signal }).catch(err => { connection.abort(err) })
  }

  getAddrs (): Multiaddr[] {
    return this.address == null ? [] : [this.address]
  }

  updateAnnounceAddrs (): void {}

  async close (): Promise<void> {
    if (this.address != null) this.hub.listeners.delete(this.address.toString())
    this.shutdown.abort()
    queueMicrotask(() => { this.safeDispatchEvent('close') })
  }
}

/** The registry of one run's listeners and live connections. */
export class LinkHub {
  readonly links: LinkModel
  readonly listeners = new Map<string, LinkListener>()
  private readonly live = new Set<{ a: number, b: number, ends: LinkConnection[] }>()

  constructor (links: LinkModel) {
    this.links = links
    links.on('changed', () => {
      for (const pair of this.live) {
        if (!links.up(pair.a, pair.b)) {
          this.live.delete(pair)
          for (const end of pair.ends) end.cut()
        }
      }
    })
  }

  /** A transport factory for cell `index`, for createCellLibp2p's `transports`. */
  transport (index: number): (components: { peerId: PeerId, logger: ComponentLogger }) => Transport {
    return components => new LinkTransport(this, index, components.peerId, components.logger.forComponent('sim:links'))
  }

  connect (from: number, fromPeer: PeerId, address: string, log: Logger): LinkConnection {
    const listener = this.listeners.get(address)
    if (listener == null) throw new ConnectionFailedError(`no simulated listener at ${address}`)
    if (!this.links.up(from, listener.cell)) throw new ConnectionFailedError('simulated link down')

    const dialer = new LinkConnection({ links: this.links, from, remoteAddr: multiaddr(address), direction: 'outbound', log })
    const inbound = new LinkConnection({
      links: this.links, from: listener.cell, remoteAddr: multiaddr(`${address}-from-${from}/p2p/${fromPeer.toString()}`), direction: 'inbound', log
    })
    dialer.remote = inbound
    inbound.remote = dialer
    const pair = { a: from, b: listener.cell, ends: [dialer, inbound] }
    this.live.add(pair)
    dialer.addEventListener('close', () => { this.live.delete(pair) })
    listener.accept(inbound)
    return dialer
  }
}

class LinkTransport implements Transport {
  readonly [transportSymbol] = true as const
  readonly [Symbol.toStringTag] = 'sim-links'
  readonly [serviceCapabilities] = ['@libp2p/transport']
  private readonly hub: LinkHub
  private readonly index: number
  private readonly peerId: PeerId
  private readonly log: Logger

  constructor (hub: LinkHub, index: number, peerId: PeerId, log: Logger) {
    this.hub = hub
    this.index = index
    this.peerId = peerId
    this.log = log
  }

  async dial (ma: Multiaddr, options: DialTransportOptions): Promise<Connection> {
    options.signal.throwIfAborted()
    const address = ma.getComponents().some(c => c.name === 'p2p') ? ma.decapsulate('/p2p').toString() : ma.toString()
    const connection = this.hub.connect(this.index, this.peerId, address, this.log)
    try {
      return await options.upgrader.upgradeOutbound(connection, options)
    } catch (err) {
      connection.abort(err as Error)
      throw err
    }
  }

  createListener (options: CreateListenerOptions): Listener {
    return new LinkListener(this.hub, this.index, options)
  }

  listenFilter (multiaddrs: Multiaddr[]): Multiaddr[] {
    return multiaddrs.filter(ma => ma.toString().startsWith('/memory/'))
  }

  dialFilter (multiaddrs: Multiaddr[]): Multiaddr[] {
    return this.listenFilter(multiaddrs)
  }
}
