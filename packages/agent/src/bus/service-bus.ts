/**
 * The service bus: owns every manager's lifecycle and the cell's event
 * stream. Managers start in dependency order and stop in reverse. A manager
 * that throws is marked failed, its dependents are not started, and the
 * rest of the cell keeps running; it can be restarted through the API.
 */
import { EventEmitter } from 'node:events'
import { BUS_HISTORY_LIMIT, MANAGER_STOP_TIMEOUT } from '../constants.ts'
import { ServiceNotRunningError, UnknownServiceError } from '../errors.ts'
import { dependencyOrder, dependentsOf } from './dependency-order.ts'
import { EventHistory } from './events.ts'
import type { BusEvent, BusEventMap, BusEventType } from './events.ts'
import type { ServiceManager, ServiceState } from './manager.ts'
import type { Logger } from 'pino'

export interface ServiceInfo {
  name: string
  state: ServiceState
  dependencies: readonly string[]
  since: string
  error?: string
  details: Record<string, unknown>
}

interface Slot {
  manager: ServiceManager
  state: ServiceState
  since: string
  error?: string
  controller?: AbortController
}

export class ServiceBus {
  private readonly log: Logger
  private readonly slots = new Map<string, Slot>()
  private readonly emitter = new EventEmitter()
  private readonly history = new EventHistory(BUS_HISTORY_LIMIT)
  private orderCache?: ServiceManager[]

  constructor (log: Logger) {
    this.log = log
    this.emitter.setMaxListeners(100)
  }

  /** Add a manager; registration order does not matter. */
  register (manager: ServiceManager): void {
    this.slots.set(manager.name, { manager, state: 'stopped', since: new Date().toISOString() })
    this.orderCache = undefined
  }

  /** Managers in start order; throws on unknown dependencies or cycles. */
  private get ordered (): ServiceManager[] {
    this.orderCache ??= dependencyOrder([...this.slots.values()].map(slot => slot.manager))
    return this.orderCache
  }

  publish<T extends BusEventType> (type: T, data: BusEventMap[T]): void {
    const event = this.history.record(type, data)
    this.emitter.emit(type, event)
    this.emitter.emit('*', event)
  }

  on<T extends BusEventType> (type: T | '*', listener: (event: BusEvent<T>) => void): () => void {
    this.emitter.on(type, listener)
    return () => { this.emitter.off(type, listener) }
  }

  events (filter?: { type?: string, after?: number, limit?: number }): BusEvent[] {
    return this.history.list(filter)
  }

  /**
   * Start every manager in dependency order; failures are contained.
   * Each manager starts as soon as its own dependencies have settled, so
   * slow independent work (the vault generating its CA key) overlaps the
   * rest of start-up.
   */
  async startAll (): Promise<void> {
    const byName = new Map(this.ordered.map(manager => [manager.name, manager]))
    const settled = new Map<string, Promise<void>>()
    const startWhenReady = async (manager: ServiceManager): Promise<void> => {
      let done = settled.get(manager.name)
      if (done == null) {
        done = (async () => {
          // dependencyOrder() has already refused cycles and unknown names.
          await Promise.all(manager.dependencies.map(async name => { await startWhenReady(byName.get(name) as ServiceManager) }))
          await this.startOne(manager.name)
        })()
        settled.set(manager.name, done)
      }
      await done
    }
    await Promise.all(this.ordered.map(startWhenReady))
  }

  /** Stop every running manager in reverse dependency order. */
  async stopAll (): Promise<void> {
    for (const manager of [...this.ordered].reverse()) {
      await this.stopOne(manager.name)
    }
  }

  async start (name: string): Promise<ServiceInfo> {
    this.slot(name)
    await this.startOne(name)
    return this.info(name)
  }

  /** Stop a manager and, first, everything that depends on it. */
  async stop (name: string): Promise<ServiceInfo> {
    this.slot(name)
    const dependents = dependentsOf(this.ordered, name)
    for (const manager of [...this.ordered].reverse()) {
      if (dependents.includes(manager.name)) {
        await this.stopOne(manager.name)
      }
    }
    await this.stopOne(name)
    return this.info(name)
  }

  async restart (name: string): Promise<ServiceInfo> {
    await this.stopOne(name)
    await this.startOne(name)
    return this.info(name)
  }

  get<T extends ServiceManager> (name: string): T {
    return this.slot(name).manager as T
  }

  /** The manager, only if it is running; for API handlers that need it. */
  running<T extends ServiceManager> (name: string): T {
    const slot = this.slot(name)
    if (slot.state !== 'running') {
      throw new ServiceNotRunningError(name)
    }
    return slot.manager as T
  }

  isRunning (name: string): boolean {
    return this.slots.get(name)?.state === 'running'
  }

  info (name: string): ServiceInfo {
    const slot = this.slot(name)
    let details: Record<string, unknown> = {}
    try {
      details = slot.manager.status()
    } catch (err) {
      details = { statusError: (err as Error).message }
    }
    return {
      name,
      state: slot.state,
      dependencies: slot.manager.dependencies,
      since: slot.since,
      ...(slot.error != null ? { error: slot.error } : {}),
      details
    }
  }

  list (): ServiceInfo[] {
    return this.ordered.map(manager => this.info(manager.name))
  }

  names (): string[] {
    return this.ordered.map(manager => manager.name)
  }

  status (): { services: number, running: number, failed: number, events: number } {
    const states = [...this.slots.values()].map(slot => slot.state)
    return {
      services: states.length,
      running: states.filter(state => state === 'running').length,
      failed: states.filter(state => state === 'failed').length,
      events: this.history.size
    }
  }

  private slot (name: string): Slot {
    const slot = this.slots.get(name)
    if (slot == null) {
      throw new UnknownServiceError(name)
    }
    return slot
  }

  private setState (slot: Slot, state: ServiceState, error?: string): void {
    slot.state = state
    slot.since = new Date().toISOString()
    slot.error = error
  }

  private async startOne (name: string): Promise<void> {
    const slot = this.slot(name)
    if (slot.state === 'running' || slot.state === 'starting') {
      return
    }

    const missing = slot.manager.dependencies.filter(dependency => !this.isRunning(dependency))
    if (missing.length > 0) {
      const error = `dependency not running: ${missing.join(', ')}`
      this.setState(slot, 'failed', error)
      this.log.warn({ service: name, missing }, 'not starting %s: %s', name, error)
      this.publish('service:failed', { service: name, error })
      return
    }

    this.setState(slot, 'starting')
    slot.controller = new AbortController()
    try {
      await slot.manager.start(slot.controller.signal)
      this.setState(slot, 'running')
      this.log.info({ service: name }, 'service %s started', name)
      this.publish('service:started', { service: name })
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err)
      this.setState(slot, 'failed', message)
      this.log.error({ service: name, err }, 'service %s failed to start', name)
      this.publish('service:failed', { service: name, error: message })
      // Release whatever the half-started manager holds.
      await slot.manager.stop().catch(() => {})
    }
  }

  private async stopOne (name: string): Promise<void> {
    const slot = this.slot(name)
    if (slot.state === 'stopped') {
      return
    }
    const wasFailed = slot.state === 'failed'
    slot.controller?.abort()
    this.setState(slot, 'stopping')

    let timer: NodeJS.Timeout | undefined
    try {
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => { reject(new Error(`stop timed out after ${MANAGER_STOP_TIMEOUT} ms`)) }, MANAGER_STOP_TIMEOUT)
      })
      await Promise.race([slot.manager.stop(), timeout])
    } catch (err) {
      this.log.error({ service: name, err }, 'service %s did not stop cleanly', name)
    } finally {
      clearTimeout(timer)
    }

    this.setState(slot, 'stopped')
    if (!wasFailed) {
      this.log.info({ service: name }, 'service %s stopped', name)
      this.publish('service:stopped', { service: name })
    }
  }
}
