/**
 * The `dns` service: runs the DNS server for the `cell` zone and keeps the
 * zone in step with trust. On start, on every `trust:changed` and whenever
 * the cell's name changes, the names are rebuilt from the trust view for
 * scope `dns`; a cell that is no longer trusted answers NXDOMAIN from the
 * next query on. A periodic refresh drops peer records that expired
 * without any trust change. A change of the `dns` config section restarts
 * the service with the new settings; user records are kept in the database.
 */
import { DnsServer, LevelRecordStore } from '@cell/services'
import { MINUTE } from '../constants.ts'
import { ServiceNotRunningError } from '../errors.ts'
import { dnsCells } from './dns-cells.ts'
import { probeName } from './dns-probe.ts'
import type { ServiceBus } from '../bus/service-bus.ts'
import type { ConnectivityReport, HealthReport, ServiceManager } from '../bus/manager.ts'
import type { Sublevel } from '../storage/database.ts'
import type { TrustManager } from '../trust/trust-manager.ts'
import type { CellRejection, DnsServerAddress, RecordDatabase } from '@cell/services'
import type { Logger } from 'pino'

/** How often the zone is rebuilt even without a trust change. */
const REFRESH_INTERVAL = MINUTE

export interface DnsSettings {
  enabled: boolean
  host: string
  port: number
  upstreams: string[]
}

export interface DnsManagerInit {
  selfId: string
  selfName(): string
  settings(): DnsSettings
  /** The trust manager, when it runs */
  trust(): TrustManager | undefined
  sublevel(name: string): Sublevel
  bus: ServiceBus
  /** The manager's own logger (component `dns`) */
  log: Logger
  /** Logger handed to the library, which adds `dns:*` components */
  libraryLog: Logger
}

export class DnsManager implements ServiceManager {
  readonly name = 'dns'
  readonly dependencies = ['trust'] as const
  private readonly init: DnsManagerInit
  private current?: DnsServer
  private enabled = true
  private unsubscribe: Array<() => void> = []
  private timer?: NodeJS.Timeout
  private lastRefresh?: { at: string, cells: number, rejected: CellRejection[] }
  /** The settings the service last started with, to tell a real change from a rewrite */
  private startedWith = ''

  constructor (init: DnsManagerInit) {
    this.init = init
    // Subscribed for the manager's whole life, not per start: a service that
    // failed on a bad setting must still hear the fix.
    init.bus.on('config:changed', event => {
      if (event.data.sections.includes('dns')) this.applySettings()
    })
  }

  /** The running server; throws ServiceNotRunningError when disabled or stopped. */
  get server (): DnsServer {
    if (this.current == null) throw new ServiceNotRunningError(this.enabled ? 'dns' : 'dns (disabled by config dns.enabled)')
    return this.current
  }

  /** Where the server listens, or undefined when it does not run. */
  get address (): DnsServerAddress | undefined {
    return this.current?.status().address
  }

  async start (signal: AbortSignal): Promise<void> {
    const settings = this.init.settings()
    this.startedWith = JSON.stringify(settings)
    this.enabled = settings.enabled
    if (!settings.enabled) {
      this.init.log.info('DNS disabled by config (dns.enabled = false)')
      return
    }

    const server = new DnsServer({
      host: settings.host,
      port: settings.port,
      upstreams: settings.upstreams,
      // The store writes with a per-operation JSON encoding; the sublevel's
      // binary default does not matter to it.
      records: new LevelRecordStore(this.init.sublevel('dns-records') as unknown as RecordDatabase, { log: this.init.libraryLog }),
      log: this.init.libraryLog
    })
    await server.start({ signal })
    this.current = server
    this.refresh('start')

    this.unsubscribe = [
      this.init.bus.on('trust:changed', event => { this.refresh(event.data.reason) }),
      this.init.bus.on('config:changed', event => {
        if (event.data.sections.includes('cell')) this.refresh('cell name changed')
      })
    ]
    this.timer = setInterval(() => { this.refresh('periodic') }, REFRESH_INTERVAL)
    this.timer.unref()
  }

  async stop (): Promise<void> {
    clearInterval(this.timer)
    for (const off of this.unsubscribe) off()
    this.unsubscribe = []
    const server = this.current
    this.current = undefined
    await server?.stop()
  }

  /**
   * Restart with the settings now in effect when they differ from those it
   * started with, or when it failed (the change may be the fix). A service
   * the user stopped stays stopped.
   */
  private applySettings (): void {
    const { state } = this.init.bus.info(this.name)
    const changed = JSON.stringify(this.init.settings()) !== this.startedWith
    if (state === 'stopped' || state === 'stopping' || (state !== 'failed' && !changed)) return
    this.init.log.info({ settings: this.init.settings() }, 'DNS settings changed; restarting the DNS service')
    void this.init.bus.restart(this.name).then(info => {
      if (info.state === 'failed') this.init.log.error('DNS did not start with the new settings: %s', info.error)
    }, (err: Error) => { this.init.log.error({ err }, 'DNS restart failed: %s', err.message) })
  }

  /** Rebuild the trusted-cell names from the current trust view. */
  refresh (reason: string): void {
    const server = this.current
    if (server == null) return
    const trust = this.init.trust()
    const now = Date.now()
    const cells = dnsCells({
      selfId: this.init.selfId,
      selfName: this.init.selfName(),
      trusted: trust != null ? trust.node.view('dns').entries.values() : [],
      peerRecord: cellId => trust?.records.peerRecord(cellId),
      now
    })
    const rejected = server.setCells(cells)
    this.lastRefresh = { at: new Date(now).toISOString(), cells: cells.length - rejected.length, rejected }
    this.init.log.debug({ reason, cells: cells.length, rejected: rejected.length }, 'zone names rebuilt (%s)', reason)
  }

  status (): Record<string, unknown> {
    if (this.current == null) return { enabled: this.enabled }
    const { listening, address, zone, tcpConnections, counters } = this.current.status()
    return { enabled: true, listening, address, zone, tcpConnections, counters, names: this.lastRefresh }
  }

  async health (): Promise<HealthReport> {
    if (this.current == null) return { healthy: !this.enabled, details: { enabled: this.enabled } }
    const { counters } = this.current.status()
    return { healthy: this.current.status().listening, details: { internalErrors: counters.internalErrors } }
  }

  /** Resolve this cell's own name through the running server. */
  async testConnectivity (signal: AbortSignal): Promise<ConnectivityReport> {
    const address = this.address
    if (address == null) return { ok: !this.enabled, checks: [{ name: 'dns', ok: !this.enabled, detail: this.enabled ? 'not running' : 'disabled' }] }
    const probe = await probeName(address, `${this.init.selfName()}.${this.current?.zone ?? 'cell'}`, signal)
    return { ok: probe.ok, checks: [{ name: `resolve ${probe.name}`, ok: probe.ok, detail: probe.detail }] }
  }
}
