/**
 * Where the user's records live. The agent backs this with a level
 * sublevel (see level-record-store.ts); tests and ephemeral setups use the
 * in-memory store. A store only persists: validation, conflicts and limits
 * are checked by DnsRecords before anything reaches it.
 */
import type { DnsRecord } from './schemas.ts'

export interface AbortOptions {
  signal?: AbortSignal
}

export interface RecordStore {
  /** Every stored record, in no particular order. */
  list (options?: AbortOptions): Promise<DnsRecord[]>

  /** Insert or replace the record with `record.id`. */
  put (record: DnsRecord, options?: AbortOptions): Promise<void>

  /** Remove a record; resolves false when the id was unknown. */
  delete (id: string, options?: AbortOptions): Promise<boolean>
}

/** A RecordStore that forgets everything when the process exits. */
export class MemoryRecordStore implements RecordStore {
  readonly #records = new Map<string, DnsRecord>()

  async list (options?: AbortOptions): Promise<DnsRecord[]> {
    options?.signal?.throwIfAborted()
    return [...this.#records.values()].map(record => structuredClone(record))
  }

  async put (record: DnsRecord, options?: AbortOptions): Promise<void> {
    options?.signal?.throwIfAborted()
    this.#records.set(record.id, structuredClone(record))
  }

  async delete (id: string, options?: AbortOptions): Promise<boolean> {
    options?.signal?.throwIfAborted()
    return this.#records.delete(id)
  }
}
