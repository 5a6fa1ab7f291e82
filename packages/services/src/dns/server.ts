/**
 * DnsServer: the authoritative server for the cell zone, with forwarding
 * for everything else. UDP and TCP listen on the same port number.
 */
import { createSocket } from 'node:dgram'
import type { Socket as UdpSocket } from 'node:dgram'
import { isIPv6 } from 'node:net'
import { pino } from 'pino'
import type { Logger } from 'pino'
import type { CellRejection } from './cells.ts'
import * as C from './constants.ts'
import { createCounters } from './counters.ts'
import type { DnsCounters } from './counters.ts'
import { DnsBindError, DnsServerStateError, DnsValidationError } from './errors.ts'
import { Forwarder, parseUpstream } from './forwarder.ts'
import { QueryHandler } from './query-handler.ts'
import { RateLimiter } from './rate-limiter.ts'
import { MemoryRecordStore } from './record-store.ts'
import type { AbortOptions, RecordStore } from './record-store.ts'
import { DnsRecords } from './records.ts'
import type { DnsRecord } from './schemas.ts'
import { AddressSet, DEFAULT_FORWARD_SOURCES } from './source-policy.ts'
import { DnsNameSchema } from './schemas.ts'
import { TcpListener } from './tcp-listener.ts'
import { Zone } from './zone.ts'

/** Every cap of the server; each field defaults to the constant named. */
export interface DnsLimits {
  /** Largest query accepted on either transport (MAX_QUERY_BYTES, 4096). */
  maxQueryBytes: number
  /** Concurrent TCP connections (MAX_TCP_CONNECTIONS, 128). */
  maxTcpConnections: number
  /** Idle TCP connections are closed after this many ms (TCP_IDLE_TIMEOUT, 10 s). */
  tcpIdleTimeout: number
  /** Queries in flight per TCP connection before reading pauses (MAX_TCP_PIPELINE, 16). */
  maxTcpPipeline: number
  /** Sustained queries per second per source; 0 turns rate limiting off (RATE_LIMIT_PER_SECOND, 100). */
  rateLimitPerSecond: number
  /** Bucket size per source (RATE_LIMIT_BURST, 200). */
  rateLimitBurst: number
  /** Sources remembered by the rate limiter (RATE_LIMIT_MAX_SOURCES, 10,000). */
  rateLimitMaxSources: number
  /** CIDRs never rate limited (RATE_LIMIT_EXEMPT, loopback). */
  rateLimitExempt: string[]
  /** Time per upstream attempt in ms (FORWARD_TIMEOUT, 2 s). */
  forwardTimeout: number
  /** Forwarded queries pending at once (MAX_FORWARDS_IN_FLIGHT, 256). */
  maxForwardsInFlight: number
  /** User records the store may hold (MAX_RECORDS, 10,000). */
  maxRecords: number
}

export interface DnsServerInit {
  /** Address to listen on (default `127.0.0.1`). */
  host?: string
  /** Port for both UDP and TCP; 0 picks a free one (default 53). */
  port?: number
  /** Zone served authoritatively (default `cell`). */
  zone?: string
  /** Upstream resolvers, `host:port` or `[v6]:port`; none means REFUSED (default none). */
  upstreams?: string[]
  /** Sources allowed to use forwarding: CIDRs or `'any'` (default loopback and the overlay). */
  forwardSources?: string[] | 'any'
  /** Where the user's records persist (default in memory). */
  records?: RecordStore
  log?: Logger
  limits?: Partial<DnsLimits>
}

export interface DnsServerAddress {
  host: string
  /** The port both UDP and TCP listen on. */
  port: number
}

export interface DnsServerStatus {
  listening: boolean
  address?: DnsServerAddress
  zone: { origin: string, serial: number, cells: number, records: number, names: number }
  tcpConnections: number
  rateLimitedSources: number
  forwardsInFlight: number
  counters: DnsCounters
}

const DEFAULT_LIMITS: DnsLimits = {
  maxQueryBytes: C.MAX_QUERY_BYTES,
  maxTcpConnections: C.MAX_TCP_CONNECTIONS,
  tcpIdleTimeout: C.TCP_IDLE_TIMEOUT,
  maxTcpPipeline: C.MAX_TCP_PIPELINE,
  rateLimitPerSecond: C.RATE_LIMIT_PER_SECOND,
  rateLimitBurst: C.RATE_LIMIT_BURST,
  rateLimitMaxSources: C.RATE_LIMIT_MAX_SOURCES,
  rateLimitExempt: C.RATE_LIMIT_EXEMPT,
  forwardTimeout: C.FORWARD_TIMEOUT,
  maxForwardsInFlight: C.MAX_FORWARDS_IN_FLIGHT,
  maxRecords: C.MAX_RECORDS
}

export class DnsServer {
  readonly zone: string
  readonly limits: Readonly<DnsLimits>
  readonly #host: string
  readonly #port: number
  readonly #base: Logger
  readonly #log: Logger
  readonly #zone: Zone
  readonly #records: DnsRecords
  readonly #counters = createCounters()
  readonly #limiter: RateLimiter | undefined
  readonly #forwarder: Forwarder
  readonly #forwardSources: AddressSet
  readonly #exempt: AddressSet
  #running: { udp: UdpSocket, tcp: TcpListener, handler: QueryHandler, abort: AbortController, address: DnsServerAddress } | undefined

  constructor (init: DnsServerInit = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...init.limits }
    this.#host = init.host ?? '127.0.0.1'
    this.#port = init.port ?? 53
    this.#base = init.log ?? pino({ level: 'silent' })
    this.#log = this.#base.child({ component: 'dns:server' })

    const zone = DnsNameSchema.safeParse(init.zone ?? C.DEFAULT_ZONE)
    if (!zone.success) throw new DnsValidationError([{ field: 'zone', message: `"${init.zone}" is not a domain name` }])
    this.zone = zone.data
    this.#zone = new Zone(this.zone)

    this.#forwarder = new Forwarder({
      upstreams: (init.upstreams ?? []).map(parseUpstream),
      timeout: this.limits.forwardTimeout,
      log: this.#base.child({ component: 'dns:forwarder' })
    })
    this.#forwardSources = new AddressSet(init.forwardSources ?? DEFAULT_FORWARD_SOURCES, 'forwardSources')
    this.#exempt = new AddressSet(this.limits.rateLimitExempt, 'limits.rateLimitExempt')
    this.#limiter = this.limits.rateLimitPerSecond > 0
      ? new RateLimiter({ perSecond: this.limits.rateLimitPerSecond, burst: this.limits.rateLimitBurst, maxSources: this.limits.rateLimitMaxSources })
      : undefined

    this.#records = new DnsRecords({
      store: init.records ?? new MemoryRecordStore(),
      origin: this.zone,
      maxRecords: this.limits.maxRecords,
      log: this.#base.child({ component: 'dns:records' }),
      onChange: records => { this.#zone.setRecords(records) }
    })
  }

  /** Load the records and listen; resolves once UDP and TCP are bound. */
  async start (options?: AbortOptions): Promise<void> {
    if (this.#running !== undefined) throw new DnsServerStateError('the DNS server is already running')
    await this.#records.load(options)

    const abort = new AbortController()
    const handler = new QueryHandler({
      zone: this.#zone,
      forwarder: this.#forwarder,
      forwardSources: this.#forwardSources,
      limiter: this.#limiter,
      rateLimitExempt: this.#exempt,
      maxQueryBytes: this.limits.maxQueryBytes,
      maxForwardsInFlight: this.limits.maxForwardsInFlight,
      counters: this.#counters,
      log: this.#log,
      signal: abort.signal
    })
    const { udp, tcp, port } = await this.#bind(handler, options)
    this.#running = { udp, tcp, handler, abort, address: { host: this.#host, port } }
    this.#log.info('serving zone %s on %s port %d', this.zone, this.#host, port)
  }

  /** Close both sockets and every TCP connection; abort pending forwards. */
  async stop (): Promise<void> {
    const running = this.#running
    if (running === undefined) return
    this.#running = undefined
    running.abort.abort()
    await Promise.all([
      new Promise<void>(resolve => { running.udp.close(() => { resolve() }) }),
      running.tcp.close()
    ])
    this.#log.info('stopped')
  }

  /** Where the server listens; throws DnsServerStateError when stopped. */
  address (): DnsServerAddress {
    if (this.#running === undefined) throw new DnsServerStateError('the DNS server is not running')
    return { ...this.#running.address }
  }

  /** Replace the trusted cells; takes effect for the next query. Returns skipped entries. */
  setCells (cells: readonly unknown[]): CellRejection[] {
    const rejected = this.#zone.setCells(cells)
    for (const entry of rejected) {
      this.#log.warn('skipping cell %s: %s %s', entry.cellId, entry.field, entry.message)
    }
    return rejected
  }

  /** Validate, store and serve a user record. */
  async createRecord (input: unknown, options?: AbortOptions): Promise<DnsRecord> {
    return await this.#records.create(input, options)
  }

  /** The user's records. */
  listRecords (): DnsRecord[] {
    return this.#records.list()
  }

  /** Delete a user record; throws DnsRecordNotFoundError. */
  async deleteRecord (id: string, options?: AbortOptions): Promise<void> {
    await this.#records.delete(id, options)
  }

  /** Re-read the record store, for changes made to it behind our back. */
  async reloadRecords (options?: AbortOptions): Promise<void> {
    await this.#records.load(options)
  }

  status (): DnsServerStatus {
    const snapshot = this.#zone.snapshot
    return {
      listening: this.#running !== undefined,
      address: this.#running?.address,
      zone: { origin: snapshot.origin, serial: snapshot.serial, cells: snapshot.cells, records: snapshot.records, names: snapshot.names.size },
      tcpConnections: this.#running?.tcp.connections ?? 0,
      rateLimitedSources: this.#limiter?.size ?? 0,
      forwardsInFlight: this.#running?.handler.forwardsInFlight ?? 0,
      counters: { ...this.#counters }
    }
  }

  async #bind (handler: QueryHandler, options?: AbortOptions): Promise<{ udp: UdpSocket, tcp: TcpListener, port: number }> {
    let lastError: unknown
    for (let attempt = 0; attempt < C.BIND_ATTEMPTS; attempt++) {
      options?.signal?.throwIfAborted()
      // The default port, 5353, is also mDNS's: responders (avahi, the
      // cell's own libp2p mDNS) hold 0.0.0.0:5353 with SO_REUSEADDR. Setting
      // it here too lets us bind the more specific loopback address, and
      // Linux hands unicast queries to 127.0.0.1 to the most specific socket.
      const udp = createSocket({ type: isIPv6(this.#host) ? 'udp6' : 'udp4', reuseAddr: this.#port !== 0 })
      try {
        await new Promise<void>((resolve, reject) => {
          udp.once('error', reject)
          udp.bind(this.#port, this.#host, () => { udp.off('error', reject); resolve() })
        })
      } catch (error) {
        throw new DnsBindError(`cannot bind UDP ${this.#host} port ${this.#port}`, { cause: error })
      }

      // Bind UDP first (port 0 picks a free one), then TCP on that number;
      // another process may hold it for TCP, so try again with a new port.
      const port = udp.address().port
      const tcp = this.#tcpListener(handler)
      try {
        await new Promise<void>((resolve, reject) => {
          tcp.server.once('error', reject)
          tcp.server.listen(port, this.#host, () => { tcp.server.off('error', reject); resolve() })
        })
      } catch (error) {
        lastError = error
        udp.close()
        if (this.#port !== 0 || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') break
        continue
      }

      this.#listenUdp(udp, handler)
      return { udp, tcp, port }
    }
    throw new DnsBindError(`cannot bind TCP ${this.#host} port ${this.#port}`, { cause: lastError })
  }

  #tcpListener (handler: QueryHandler): TcpListener {
    return new TcpListener({
      handler,
      counters: this.#counters,
      log: this.#base.child({ component: 'dns:tcp' }),
      maxConnections: this.limits.maxTcpConnections,
      idleTimeout: this.limits.tcpIdleTimeout,
      maxPipeline: this.limits.maxTcpPipeline,
      maxQueryBytes: this.limits.maxQueryBytes
    })
  }

  #listenUdp (udp: UdpSocket, handler: QueryHandler): void {
    // Send errors surface as 'error' events: without a per-send callback
    // node can complete the send synchronously, which roughly doubles
    // throughput under load.
    udp.on('error', error => { this.#log.debug('UDP socket error: %s', error.message) })
    udp.on('message', (message, remote) => {
      const reply = handler.handle(message, { address: remote.address, transport: 'udp' })
      if (reply === undefined) return
      if (reply instanceof Promise) {
        reply.then(late => {
          if (late !== undefined && this.#running?.udp === udp) udp.send(late, remote.port, remote.address)
        }, () => {})
        return
      }
      udp.send(reply, remote.port, remote.address)
    })
  }
}
