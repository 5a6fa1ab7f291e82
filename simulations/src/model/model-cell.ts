/**
 * One cell of the model mode: the real TrustStore and TrustEngine, fed by
 * the same rules as the agent's TrustNode (packages/agent/src/trust/
 * trust-node.ts): a gossiped record is relayed when the store accepted
 * it, or quarantined it and the sender is within its relay budget;
 * refused records are classified reject/ignore with the same
 * classifyError, and the horizon is re-fed to the store after changes.
 * What is missing is libp2p itself: the network delivers bytes directly.
 */
import { createHash } from 'node:crypto'
import { RELAY_MAX_AGE, issuedAt } from '@cell/agent'
import { MAX_RECORD_BYTES, TrustEngine, TrustError, classifyError, nextSeq, sealRecord } from '@cell/trust'
import { RelayBudget } from './relay-budget.ts'
import type { Identity } from '../core/identities.ts'
import type { ObservedStore } from '../core/observed-store.ts'
import type { Attestation, OpenedRecord, PeerRecord, TrustView } from '@cell/trust'

export type Verdict = 'accept' | 'ignore' | 'reject'
export type Topic = 'attestations' | 'peer-records'

export interface ModelCellInit {
  identity: Identity
  store: ObservedStore
  /** Wall-clock equivalent of the virtual time, ms since the epoch */
  clock(): number
  /** Called after a record changed the engine (the agent's 'change' event) */
  onChange(): void
}

export class ModelCell {
  readonly identity: Identity
  readonly store: ObservedStore
  readonly engine: TrustEngine
  /** Gossip message ids seen, like gossipsub's seen cache: a duplicate costs no check */
  private readonly seen = new Set<string>()
  private readonly clock: () => number
  private readonly onChange: () => void
  private readonly relayBudget: RelayBudget

  constructor (init: ModelCellInit) {
    this.identity = init.identity
    this.store = init.store
    this.clock = init.clock
    this.onChange = init.onChange
    this.engine = new TrustEngine({ selfId: init.identity.id })
    this.relayBudget = new RelayBudget(init.clock)
  }

  async open (): Promise<void> {
    await this.store.open()
    for (const record of this.store.attestations()) this.engine.upsert(record.record)
    for (const notice of this.store.keyNotices()) this.engine.applyKeyNotice(notice)
    await this.updateHorizon()
  }

  /** First sight of a gossip message id; later copies are dropped unchecked. */
  firstSight (bytes: Uint8Array): boolean {
    const id = createHash('sha256').update(bytes).digest('hex')
    if (this.seen.has(id)) return false
    this.seen.add(id)
    return true
  }

  /** The gossip validator's verdict, as TrustNode.verdictFor decides it. */
  async receive (topic: Topic, bytes: Uint8Array, from: string): Promise<Verdict> {
    if (bytes.byteLength > MAX_RECORD_BYTES) {
      await this.store.ingest(bytes, { now: this.clock() }).catch(() => {})
      return 'reject'
    }
    try {
      const result = await this.store.ingest(bytes, { now: this.clock() })
      if (result.status === 'quarantined') return this.relayBudget.allows(result.record, from) ? 'accept' : 'ignore'
      if (result.status !== 'accepted') return 'ignore'
      this.apply(result.record)
      const expected = topic === 'peer-records' ? 'peer-record' : 'attestation'
      return result.record.kind === expected || (expected === 'attestation' && result.record.kind === 'key-notice') ? 'accept' : 'ignore'
    } catch (err) {
      if (err instanceof TrustError) return classifyError(err)
      throw err
    }
  }

  /**
   * A record that came by sync: stored if valid. Returns it when it was
   * news here and recent, for the network to gossip on as the agent's
   * SyncedForwarder does.
   */
  async ingest (bytes: Uint8Array): Promise<OpenedRecord | undefined> {
    try {
      const result = await this.store.ingest(bytes, { now: this.clock() })
      if (result.status !== 'accepted') return undefined
      this.apply(result.record)
      return this.clock() - issuedAt(result.record) <= RELAY_MAX_AGE ? result.record : undefined
    } catch (err) {
      if (!(err instanceof TrustError)) throw err
      return undefined
    }
  }

  /** Sign and store this cell's attestation; the caller spreads the bytes. */
  async attest (attestation: Omit<Attestation, 'issuer' | 'seq'>): Promise<{ bytes: Uint8Array, id: string }> {
    const seq = nextSeq(this.store.versionVector().get(this.identity.id) ?? 0, this.clock())
    const bytes = sealRecord(this.identity.privateKey, 'attestation', { ...attestation, issuer: this.identity.id, seq })
    const result = await this.store.ingest(bytes, { now: this.clock() })
    this.apply(result.record)
    return { bytes, id: result.record.id }
  }

  view (): TrustView {
    return this.engine.view('mesh', this.clock())
  }

  horizon (): Set<string> {
    return this.engine.horizon(this.clock())
  }

  peerRecord (cellId: string): PeerRecord | undefined {
    return this.store.peerRecord(cellId)
  }

  /** Feed the horizon to the store and apply what it promotes, until stable. */
  async updateHorizon (): Promise<void> {
    const promoted = await this.store.setHorizon(this.engine.horizon(this.clock()))
    for (const record of promoted) this.apply(record)
  }

  private apply (record: OpenedRecord): void {
    if (record.kind === 'attestation') {
      this.engine.upsert(record.record)
    } else if (record.kind === 'key-notice') {
      this.engine.applyKeyNotice(record.record)
    }
    this.onChange()
  }
}
