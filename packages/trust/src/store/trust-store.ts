/**
 * Durable store of signed records on an abstract-level database.
 *
 * Layout (keys are utf8, values the envelope bytes):
 *   r!<issuer>!<seq, 16 digits>  latest record per slot of issuers in the horizon
 *   q!<arrival, 16 digits>       quarantined records of strangers, oldest first
 *
 * Every ingest is one atomic batch and memory indexes change only after it
 * succeeded, so a crash or a failed write leaves no half state. Ingests run
 * one at a time (a promise chain): checks and writes never interleave.
 */
import { pino } from 'pino'
import { DEFAULT_MAX_RECORDS_PER_ISSUER, DEFAULT_QUARANTINE_CAPACITY, MAX_RECORD_BYTES } from '../constants.ts'
import { IssuerQuotaError, KeyRetiredError, SeqConflictError, StoreNotOpenError, TrustError } from '../errors.ts'
import { classifyError } from '../records/classify.ts'
import { decodeVerifiedRecord, envelopeId, openRecord } from '../records/envelope.ts'
import { StoreIndex, logKey, quarantineKey, slotOf } from './index-state.ts'
import type { StoredRecord } from './index-state.ts'
import type { OpenOptions } from '../records/envelope.ts'
import type { Attestation, KeyNotice, OpenedRecord, PeerRecord } from '../records/types.ts'
import type { Logger } from 'pino'

export type TrustOp = { type: 'put', key: string, value: Uint8Array } | { type: 'del', key: string }

/**
 * Any abstract-level database or sublevel with utf8 keys and Uint8Array
 * values, e.g. `root.sublevel('trust', { valueEncoding: 'view' })`.
 * Declared by the three methods used, because abstract-level's class types
 * of a sublevel and of a database are not assignable to each other.
 */
export interface TrustDb {
  open(): Promise<void>
  batch(operations: TrustOp[]): Promise<void>
  iterator(): AsyncIterable<[string, Uint8Array]>
}

export interface TrustStoreInit {
  db: TrustDb
  /** This cell's id; its own records are always kept */
  selfId: string
  /** Quarantined records kept before evicting the oldest (default 1,000; 0 keeps none) */
  quarantineCapacity?: number
  /** Stored records per issuer inside the horizon (default 10,000) */
  maxRecordsPerIssuer?: number
  /** Parent logger; logs as component 'trust:store' (default silent) */
  log?: Logger
}

export type IngestStatus = 'accepted' | 'duplicate' | 'stale' | 'quarantined'

export interface IngestResult {
  status: IngestStatus
  record: OpenedRecord
}

export interface StoreCounters {
  accepted: number
  duplicate: number
  stale: number
  quarantined: number
  evicted: number
  /** Per error code: records refused as provably bad */
  rejected: Record<string, number>
  /** Per error code: records dropped as useless (expired, retired key, ...) */
  ignored: Record<string, number>
}

type Op = TrustOp

function startOf (record: OpenedRecord): number | undefined {
  if (record.kind === 'peer-record') return record.record.issuedAt
  if (record.kind === 'attestation') return record.record.notBefore
  return undefined
}

export class TrustStore {
  readonly selfId: string
  private readonly db: TrustDb
  private readonly quarantineCapacity: number
  private readonly maxRecordsPerIssuer: number
  private readonly log: Logger
  private index = new StoreIndex()
  private horizonIds = new Set<string>()
  private nextArrival = 0
  private opened = false
  private queue: Promise<unknown> = Promise.resolve()
  private readonly counts: StoreCounters = { accepted: 0, duplicate: 0, stale: 0, quarantined: 0, evicted: 0, rejected: {}, ignored: {} }

  constructor (init: TrustStoreInit) {
    this.db = init.db
    this.selfId = init.selfId
    this.quarantineCapacity = init.quarantineCapacity ?? DEFAULT_QUARANTINE_CAPACITY
    this.maxRecordsPerIssuer = init.maxRecordsPerIssuer ?? DEFAULT_MAX_RECORDS_PER_ISSUER
    this.log = (init.log ?? pino({ level: 'silent' })).child({ component: 'trust:store' })
    this.horizonIds.add(this.selfId)
  }

  /** Open the database and load the indexes. Undecodable entries are deleted. */
  async open (): Promise<void> {
    await this.db.open()
    const index = new StoreIndex()
    const broken: string[] = []
    for await (const [key, value] of this.db.iterator()) {
      try {
        const record: StoredRecord = { ...decodeVerifiedRecord(value), key }
        if (key.startsWith('q!')) {
          index.addQuarantined(record)
          this.nextArrival = Math.max(this.nextArrival, Number(key.slice(2)) + 1)
        } else {
          index.addStored(record)
        }
      } catch (err) {
        this.log.warn({ err, key }, 'dropping undecodable entry')
        broken.push(key)
      }
    }
    if (broken.length > 0) await this.db.batch(broken.map(key => ({ type: 'del' as const, key })))
    this.index = index
    this.opened = true
    this.log.info('opened with %d records and %d quarantined', index.ids.size - index.quarantine.size, index.quarantine.size)
  }

  async close (): Promise<void> {
    await this.queue
    this.opened = false
  }

  /**
   * Verify and store one sealed record. Invalid records throw (typed
   * TrustError); the outcome is counted either way.
   */
  async ingest (bytes: Uint8Array, options: OpenOptions): Promise<IngestResult> {
    return this.serialize(async () => {
      try {
        const result = await this.ingestOne(bytes, options)
        this.counts[result.status]++
        return result
      } catch (err) {
        if (err instanceof TrustError) {
          const bucket = this.counts[classifyError(err) === 'reject' ? 'rejected' : 'ignored']
          bucket[err.code] = (bucket[err.code] ?? 0) + 1
          this.log.debug('refused record: %s', err.code)
        }
        throw err
      }
    })
  }

  private async ingestOne (bytes: Uint8Array, options: OpenOptions): Promise<IngestResult> {
    this.assertOpen()
    const known = this.knownEnvelope(bytes, options)
    if (known != null) {
      return { status: 'duplicate', record: known }
    }

    const record = openRecord(bytes, options)
    const slot = slotOf(record)
    const stored = this.index.slots.get(slot)
    const quarantined = this.index.quarantineSlots.get(slot)
    const newest = Math.max(stored?.seq ?? -1, quarantined?.seq ?? -1)
    if (record.seq <= newest) {
      return { status: 'stale', record }
    }
    this.checkKeyNotice(record, stored)

    const ops: Op[] = []
    if (quarantined != null) ops.push({ type: 'del', key: quarantined.key })

    // A key notice of an issuer whose records are held is kept outside the
    // horizon too: a later compromise must still void what is held.
    const noticeOfKnown = record.kind === 'key-notice' && this.index.byIssuer.has(record.issuer)
    if (!this.horizonIds.has(record.issuer) && !noticeOfKnown) {
      if (this.quarantineCapacity === 0) return { status: 'quarantined', record } // checked, then let go
      const entry: StoredRecord = { ...record, key: quarantineKey(this.nextArrival) }
      ops.push({ type: 'put', key: entry.key, value: record.envelope })
      const evict = this.evictionCandidate(quarantined)
      if (evict != null) ops.push({ type: 'del', key: evict.key })
      await this.db.batch(ops)
      this.nextArrival++
      if (quarantined != null) this.index.removeQuarantined(quarantined)
      if (evict != null) {
        this.index.removeQuarantined(evict)
        this.counts.evicted++
      }
      this.index.addQuarantined(entry)
      return { status: 'quarantined', record }
    }

    const entry = this.checkLogSpace(record, stored)
    ops.push({ type: 'put', key: entry.key, value: record.envelope })
    if (stored != null) ops.push({ type: 'del', key: stored.key })
    await this.db.batch(ops)
    if (quarantined != null) this.index.removeQuarantined(quarantined)
    if (stored != null) this.index.removeStored(stored)
    this.index.addStored(entry)
    return { status: 'accepted', record }
  }

  /**
   * The stored or quarantined record with exactly these bytes, if any. It
   * was verified when it arrived first, so a byte-identical copy needs no
   * second signature check. Gossip and sync deliver the same envelope many
   * times over, and the check is most of what ingesting costs.
   */
  private knownEnvelope (bytes: Uint8Array, options: OpenOptions): OpenedRecord | undefined {
    if (bytes.byteLength > (options.maxBytes ?? MAX_RECORD_BYTES)) return undefined
    return this.index.ids.get(envelopeId(bytes))
  }

  /** Refuse records signed after their key was retired; keep 'compromised' sticky. */
  private checkKeyNotice (record: OpenedRecord, stored: StoredRecord | undefined): void {
    const notice = this.keyNotice(record.issuer)
    const start = startOf(record)
    if (notice != null && start != null && start > notice.effectiveAt) {
      throw new KeyRetiredError(record.issuer === this.selfId ? 'This cell\'s key is retired (rotated or compromised): it signs nothing new' : undefined)
    }
    if (record.kind === 'key-notice' && stored?.kind === 'key-notice' &&
        stored.record.kind === 'compromised' && record.record.kind !== 'compromised') {
      // A stolen key must not be able to turn a compromise into a rotation.
      throw new KeyRetiredError('A compromised key cannot issue a rotation')
    }
  }

  private checkLogSpace (record: OpenedRecord, stored: StoredRecord | undefined): StoredRecord {
    const log = this.index.byIssuer.get(record.issuer)
    if (log?.has(record.seq) === true) {
      throw new SeqConflictError()
    }
    if (stored == null && (log?.size ?? 0) >= this.maxRecordsPerIssuer) {
      throw new IssuerQuotaError()
    }
    return { ...record, key: logKey(record.issuer, record.seq) }
  }

  private evictionCandidate (replaced: StoredRecord | undefined): StoredRecord | undefined {
    const size = this.index.quarantine.size - (replaced != null ? 1 : 0)
    if (size < this.quarantineCapacity) {
      return undefined
    }
    for (const candidate of this.index.quarantine.values()) {
      if (candidate !== replaced) return candidate
    }
    return undefined
  }

  /**
   * Tell the store which issuers are inside this cell's trust horizon
   * (TrustEngine.horizon()). Quarantined records of issuers now inside are
   * promoted into the log in one batch and returned, so the caller can feed
   * them to the engine (which may widen the horizon again).
   */
  async setHorizon (ids: Iterable<string>): Promise<OpenedRecord[]> {
    return this.serialize(async () => {
      this.assertOpen()
      this.horizonIds = new Set(ids)
      this.horizonIds.add(this.selfId)
      const promote: StoredRecord[] = []
      const drop: StoredRecord[] = []
      const seqs = new Set<string>()
      for (const record of this.index.quarantine.values()) {
        if (!this.horizonIds.has(record.issuer)) continue
        const stored = this.index.slots.get(slotOf(record))
        const key = logKey(record.issuer, record.seq)
        const taken = this.index.byIssuer.get(record.issuer)?.has(record.seq) === true || seqs.has(key)
        if ((stored != null && stored.seq >= record.seq) || taken) {
          drop.push(record)
        } else {
          seqs.add(key)
          promote.push(record)
        }
      }
      if (promote.length === 0 && drop.length === 0) {
        return []
      }

      const ops: Op[] = []
      for (const record of [...promote, ...drop]) ops.push({ type: 'del', key: record.key })
      for (const record of promote) {
        ops.push({ type: 'put', key: logKey(record.issuer, record.seq), value: record.envelope })
        const stored = this.index.slots.get(slotOf(record))
        if (stored != null) ops.push({ type: 'del', key: stored.key })
      }
      await this.db.batch(ops)
      for (const record of [...promote, ...drop]) this.index.removeQuarantined(record)
      for (const record of promote) {
        const stored = this.index.slots.get(slotOf(record))
        if (stored != null) this.index.removeStored(stored)
        this.index.addStored({ ...record, key: logKey(record.issuer, record.seq) })
      }
      this.log.debug('horizon of %d cells: promoted %d quarantined records', this.horizonIds.size, promote.length)
      return promote.map(({ key: _key, ...record }) => record as OpenedRecord)
    })
  }

  /**
   * Delete expired peer records. Attestations stay, expired or not: the
   * newest of a slot makes older ones stale, and a revocation may expire
   * before the attestation it revoked, which a replay would then restore.
   */
  async prune (now: number): Promise<number> {
    return this.serialize(async () => {
      this.assertOpen()
      const expired = [...this.index.ids.values()].filter(r => r.kind === 'peer-record' && r.record.notAfter < now)
      if (expired.length === 0) return 0
      await this.db.batch(expired.map(r => ({ type: 'del' as const, key: r.key })))
      for (const record of expired) {
        if (this.index.quarantine.has(record.key)) {
          this.index.removeQuarantined(record)
        } else {
          this.index.removeStored(record)
        }
      }
      return expired.length
    })
  }

  /** The issuers whose records go to the log rather than the quarantine. */
  horizon (): ReadonlySet<string> {
    return this.horizonIds
  }

  /** Highest stored seq per issuer of the horizon, and of retired keys (a compromise may follow a rotation). */
  versionVector (): Map<string, number> {
    const vector = new Map<string, number>()
    for (const issuer of this.index.noticeIssuers.size === 0 ? this.horizonIds : new Set([...this.horizonIds, ...this.index.noticeIssuers])) {
      const log = this.index.byIssuer.get(issuer)
      if (log == null) continue
      vector.set(issuer, Math.max(-1, ...log.keys()))
    }
    return vector
  }

  /** Stored envelopes of `issuer` with seq above `seq`, in seq order. */
  recordsAfter (issuer: string, seq: number): Uint8Array[] {
    const log = this.index.byIssuer.get(issuer)
    if (log == null) return []
    return [...log.values()].filter(r => r.seq > seq).sort((a, b) => a.seq - b.seq).map(r => r.envelope)
  }

  /** Latest attestation per (issuer, subject), revocations included. */
  attestations (): Array<OpenedRecord & { kind: 'attestation' }> {
    return this.ofKind('attestation')
  }

  /** Attestations that count at `now`: not revoked, inside their validity window. */
  liveAttestations (now: number): Attestation[] {
    return this.attestations().map(r => r.record).filter(a => a.level !== 'none' && a.notBefore <= now && now <= a.notAfter)
  }

  peerRecord (cellId: string): PeerRecord | undefined {
    return this.openedPeerRecord(cellId)?.record
  }

  /** A cell's stored peer record with its signed envelope. */
  openedPeerRecord (cellId: string): (OpenedRecord & { kind: 'peer-record' }) | undefined {
    const stored = this.index.slots.get(`peer-record|${cellId}|${cellId}`)
    return stored?.kind === 'peer-record' ? stored : undefined
  }

  peerRecords (): PeerRecord[] {
    return this.ofKind('peer-record').map(r => r.record)
  }

  keyNotice (issuer: string): KeyNotice | undefined {
    const stored = this.index.slots.get(`key-notice|${issuer}|${issuer}`)
    return stored?.kind === 'key-notice' ? stored.record : undefined
  }

  keyNotices (): KeyNotice[] {
    return this.ofKind('key-notice').map(r => r.record)
  }

  /** Records waiting in quarantine, oldest first. */
  quarantined (): OpenedRecord[] {
    return [...this.index.quarantine.values()]
  }

  counters (): StoreCounters {
    return { ...this.counts, rejected: { ...this.counts.rejected }, ignored: { ...this.counts.ignored } }
  }

  private ofKind<K extends OpenedRecord['kind']> (kind: K): Array<OpenedRecord & { kind: K }> {
    const out: Array<OpenedRecord & { kind: K }> = []
    for (const record of this.index.slots.values()) {
      if (record.kind === kind) out.push(record as unknown as OpenedRecord & { kind: K })
    }
    return out
  }

  private assertOpen (): void {
    if (!this.opened) throw new StoreNotOpenError()
  }

  private async serialize<T> (task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task)
    this.queue = run.catch(() => undefined)
    return run
  }
}
