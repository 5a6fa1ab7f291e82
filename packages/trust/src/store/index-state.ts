/**
 * The in-memory indexes of the trust store: latest record per slot,
 * records per issuer by seq, content ids, key notices and the quarantine.
 * Queries read only these; the database is touched on open and on writes.
 */
import type { OpenedRecord } from '../records/types.ts'

/** A record as held by the store, with its database key. */
export type StoredRecord = OpenedRecord & { key: string }

/** Width of zero-padded seqs in keys: Number.MAX_SAFE_INTEGER has 16 digits. */
const SEQ_WIDTH = 16

export function padSeq (seq: number): string {
  return seq.toString().padStart(SEQ_WIDTH, '0')
}

/** Key of a record in the per-issuer log, ordered by seq. */
export function logKey (issuer: string, seq: number): string {
  return `r!${issuer}!${padSeq(seq)}`
}

/** Key of a quarantined record, ordered by arrival. */
export function quarantineKey (arrival: number): string {
  return `q!${padSeq(arrival)}`
}

/** (kind, issuer, subject): the slot of which only the latest record is kept. */
export function slotOf (record: OpenedRecord): string {
  return `${record.kind}|${record.issuer}|${record.subject}`
}

export class StoreIndex {
  /** Latest stored record per slot */
  readonly slots = new Map<string, StoredRecord>()
  /** Stored records per issuer, by seq */
  readonly byIssuer = new Map<string, Map<number, StoredRecord>>()
  /** Stored and quarantined records by content id */
  readonly ids = new Map<string, StoredRecord>()
  /** Quarantined records in arrival order (Map keeps insertion order) */
  readonly quarantine = new Map<string, StoredRecord>()
  /** Latest quarantined record per slot */
  readonly quarantineSlots = new Map<string, StoredRecord>()
  /** Issuers with a stored key notice: retired keys whose later notices still matter */
  readonly noticeIssuers = new Set<string>()

  addStored (record: StoredRecord): void {
    this.slots.set(slotOf(record), record)
    if (record.kind === 'key-notice') this.noticeIssuers.add(record.issuer)
    let log = this.byIssuer.get(record.issuer)
    if (log == null) {
      log = new Map()
      this.byIssuer.set(record.issuer, log)
    }
    log.set(record.seq, record)
    this.ids.set(record.id, record)
  }

  removeStored (record: StoredRecord): void {
    if (this.slots.get(slotOf(record)) === record) {
      this.slots.delete(slotOf(record))
      if (record.kind === 'key-notice') this.noticeIssuers.delete(record.issuer)
    }
    const log = this.byIssuer.get(record.issuer)
    log?.delete(record.seq)
    if (log?.size === 0) {
      this.byIssuer.delete(record.issuer)
    }
    this.ids.delete(record.id)
  }

  addQuarantined (record: StoredRecord): void {
    this.quarantine.set(record.key, record)
    this.quarantineSlots.set(slotOf(record), record)
    this.ids.set(record.id, record)
  }

  removeQuarantined (record: StoredRecord): void {
    this.quarantine.delete(record.key)
    if (this.quarantineSlots.get(slotOf(record)) === record) {
      this.quarantineSlots.delete(slotOf(record))
    }
    this.ids.delete(record.id)
  }

  /** The oldest quarantined record (first in arrival order). */
  oldestQuarantined (): StoredRecord | undefined {
    return this.quarantine.values().next().value
  }
}
