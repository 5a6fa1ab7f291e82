/**
 * A RecordStore kept in an abstract-level database, normally a sublevel the
 * agent hands over (`db.sublevel('dns-records')`). Values are written with a
 * per-operation JSON encoding, so the sublevel's own default encoding does
 * not matter. Whatever is read back is validated again: a damaged or
 * hand-edited entry is skipped and logged, never served.
 */
import type { AbstractLevel } from 'abstract-level'
import type { Logger } from 'pino'
import { pino } from 'pino'
import type { AbortOptions, RecordStore } from './record-store.ts'
import { DnsRecordSchema } from './schemas.ts'
import type { DnsRecord } from './schemas.ts'

const JSON_ENCODING = { valueEncoding: 'json' } as const

// The database's format type is irrelevant here, hence `any` for it.
export type RecordDatabase = AbstractLevel<any, string, any>

export interface LevelRecordStoreInit {
  log?: Logger
}

export class LevelRecordStore implements RecordStore {
  readonly #db: RecordDatabase
  readonly #log: Logger

  constructor (db: RecordDatabase, init: LevelRecordStoreInit = {}) {
    this.#db = db
    this.#log = (init.log ?? pino({ level: 'silent' })).child({ component: 'dns:record-store' })
  }

  async list (options?: AbortOptions): Promise<DnsRecord[]> {
    const records: DnsRecord[] = []
    for await (const [key, value] of this.#db.iterator<string, unknown>(JSON_ENCODING)) {
      options?.signal?.throwIfAborted()
      const parsed = DnsRecordSchema.safeParse(value)
      if (!parsed.success || parsed.data.id !== key) {
        this.#log.warn('skipping unreadable DNS record %s', key)
        continue
      }
      records.push(parsed.data)
    }
    return records
  }

  async put (record: DnsRecord, options?: AbortOptions): Promise<void> {
    options?.signal?.throwIfAborted()
    await this.#db.put<string, DnsRecord>(record.id, record, JSON_ENCODING)
  }

  async delete (id: string, options?: AbortOptions): Promise<boolean> {
    options?.signal?.throwIfAborted()
    const existing = await this.#db.get<string, unknown>(id, JSON_ENCODING)
    if (existing === undefined) {
      return false
    }
    await this.#db.del(id)
    return true
  }
}
