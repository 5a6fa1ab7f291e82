/**
 * Typed events published on the service bus, with a bounded history that
 * `/api/services/bus/events` reads.
 */
export interface BusEventMap {
  'service:started': { service: string }
  'service:stopped': { service: string }
  'service:failed': { service: string, error: string }
  'peer:connected': { peer: string }
  'peer:disconnected': { peer: string }
  'config:changed': { sections: string[] }
  'trust:changed': { reason: string }
}

export type BusEventType = keyof BusEventMap

export interface BusEvent<T extends BusEventType = BusEventType> {
  id: number
  type: T
  time: string
  data: BusEventMap[T]
}

/** Fixed-size ring of the most recent events. */
export class EventHistory {
  private readonly limit: number
  private readonly events: BusEvent[] = []
  private nextId = 1

  constructor (limit: number) {
    this.limit = limit
  }

  record<T extends BusEventType> (type: T, data: BusEventMap[T]): BusEvent<T> {
    const event: BusEvent<T> = { id: this.nextId++, type, time: new Date().toISOString(), data }
    this.events.push(event)
    if (this.events.length > this.limit) {
      this.events.shift()
    }
    return event
  }

  list (filter: { type?: string, after?: number, limit?: number } = {}): BusEvent[] {
    const after = filter.after ?? 0
    const matching = this.events.filter(event => event.id > after && (filter.type == null || event.type === filter.type))
    return filter.limit == null ? matching : matching.slice(-filter.limit)
  }

  get size (): number {
    return this.events.length
  }
}
