/**
 * The user's own records: validation, conflict rules and the cache the
 * zone is built from, in front of a RecordStore.
 *
 * Policy: a record's name must lie inside the served zone (`blog.cell`,
 * `_http._tcp.alice.cell`, or the apex `cell` itself). Names outside it are
 * refused, so a user record can never shadow a real domain for the cell's
 * own machine, and everything outside the zone keeps going upstream.
 */
import { randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import { inZone } from './authority.ts'
import { DnsRecordConflictError, DnsRecordLimitError, DnsRecordNotFoundError, DnsValidationError } from './errors.ts'
import type { AbortOptions, RecordStore } from './record-store.ts'
import { parseRecordInput } from './schemas.ts'
import type { DnsRecord, DnsRecordData } from './schemas.ts'

export interface DnsRecordsInit {
  store: RecordStore
  origin: string
  maxRecords: number
  log: Logger
  /** Called with the full record list after every change. */
  onChange: (records: readonly DnsRecord[]) => void
}

function sameData (a: DnsRecordData, b: DnsRecordData): boolean {
  return a.type === b.type && JSON.stringify(a.data) === JSON.stringify(b.data)
}

export class DnsRecords {
  readonly #init: DnsRecordsInit
  #records = new Map<string, DnsRecord>()
  // Mutations run one at a time so that conflict checks see every
  // earlier write.
  #queue: Promise<unknown> = Promise.resolve()

  constructor (init: DnsRecordsInit) {
    this.#init = init
  }

  /** Read every record from the store (call before serving). */
  async load (options?: AbortOptions): Promise<void> {
    await this.#serial(async () => {
      const records = await this.#init.store.list(options)
      this.#records = new Map(records.filter(record => inZone(record.name, this.#init.origin)).map(record => [record.id, record]))
      this.#changed()
    })
  }

  /** The records as they are served now. */
  list (): DnsRecord[] {
    return [...this.#records.values()].map(record => structuredClone(record))
  }

  /** Validate and store a new record; throws DnsValidationError, DnsRecordConflictError, DnsRecordLimitError. */
  async create (input: unknown, options?: AbortOptions): Promise<DnsRecord> {
    const data = parseRecordInput(input)
    const origin = this.#init.origin
    if (!inZone(data.name, origin)) {
      throw new DnsValidationError([{ field: 'name', message: `must be inside the zone "${origin}"` }])
    }
    if (data.type === 'CNAME' && data.name === origin) {
      throw new DnsValidationError([{ field: 'name', message: 'a CNAME cannot sit at the zone apex (RFC 1912 section 2.4)' }])
    }

    return await this.#serial(async () => {
      this.#checkConflicts(data)
      if (this.#records.size >= this.#init.maxRecords) {
        throw new DnsRecordLimitError(this.#init.maxRecords)
      }

      const record = { ...data, id: randomUUID(), created: new Date().toISOString() } as DnsRecord
      await this.#init.store.put(record, options)
      this.#records.set(record.id, record)
      this.#init.log.info('added %s record %s', record.type, record.name)
      this.#changed()
      return structuredClone(record)
    })
  }

  /** Remove a record by id; throws DnsRecordNotFoundError. */
  async delete (id: string, options?: AbortOptions): Promise<void> {
    await this.#serial(async () => {
      const record = this.#records.get(id)
      if (record === undefined) {
        throw new DnsRecordNotFoundError(id)
      }
      await this.#init.store.delete(id, options)
      this.#records.delete(id)
      this.#init.log.info('removed %s record %s', record.type, record.name)
      this.#changed()
    })
  }

  #checkConflicts (data: DnsRecordData): void {
    for (const existing of this.#records.values()) {
      if (existing.name !== data.name) continue
      if (sameData(existing, data)) {
        throw new DnsRecordConflictError(`${data.name} already has this ${data.type} record`)
      }
      // RFC 1034 section 3.6.2: a CNAME owns its name alone.
      if (existing.type === 'CNAME' || data.type === 'CNAME') {
        throw new DnsRecordConflictError(`${data.name} cannot hold a CNAME and other records`)
      }
    }
  }

  #changed (): void {
    this.#init.onChange([...this.#records.values()])
  }

  #serial<T> (task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task)
    this.#queue = run.catch(() => {})
    return run
  }
}
