/**
 * @packageDocumentation
 *
 * The trust core of a cell: signed records, their store, and the trust
 * metric each cell computes from its own point of view. Pure: no networking.
 *
 * - Records (peer records, attestations, key notices) are sealed in signed
 *   envelopes with one signing domain per kind (`sealRecord`, `openRecord`).
 * - `TrustStore` keeps them durably in an abstract-level database, bounded:
 *   full logs only for issuers inside the trust horizon, a capped
 *   quarantine for strangers.
 * - `TrustEngine` computes per-scope views with an Advogato-style max-flow
 *   from this cell, so Sybils behind k attack edges gain at most a bounded
 *   number of trusted identities (docs/trust-model.md).
 * - Invites carry a signed, expiring offer of trust to a new cell.
 *
 * @example
 *
 * ```ts
 * import { Level } from 'level'
 * import { TrustEngine, TrustStore, nextSeq, openRecord, sealRecord } from '@cell/trust'
 *
 * const now = Date.now()
 * const store = new TrustStore({ db: root.sublevel('trust', { valueEncoding: 'view' }), selfId })
 * await store.open()
 *
 * const sealed = sealRecord(privateKey, 'attestation', {
 *   issuer: selfId, subject: friendId, level: 'full', scopes: ['*'], maxDepth: 2,
 *   seq: nextSeq(lastSeq, now), notBefore: now, notAfter: now + 30 * DAY
 * })
 * await store.ingest(sealed, { now })
 *
 * const engine = new TrustEngine({ selfId })
 * for (const { record } of store.attestations()) engine.upsert(record)
 * const view = engine.view('mesh', now)
 * view.has(friendId) // true
 * view.explain(someoneId).reason // e.g. 'capacity-exhausted'
 * ```
 */
export * from './overlay/addresses.ts'
export * from './errors.ts'
export {
  CAPACITY_BY_DISTANCE, DEFAULT_CLOCK_SKEW, DEFAULT_MAX_RECORDS_PER_ISSUER, DEFAULT_QUARANTINE_CAPACITY, INVITE_PREFIX,
  LEVELS, MAX_RECORD_BYTES, MAX_TRUST_DEPTH, SCOPES, VIEW_SCOPES
} from './constants.ts'
export type {
  AnyRecord, Attestation, KeyNotice, Level, OpenedRecord, OverlayClaim, PeerRecord, RecordKind, RecordOfKind, Scope
} from './records/types.ts'
export { cellIdFromPublicKey, cellPublicKeyRaw, isCellId } from './records/cell-id.ts'
export { envelopeId, openRecord, sealRecord, decodeVerifiedRecord } from './records/envelope.ts'
export type { OpenOptions } from './records/envelope.ts'
export { validateRecord } from './records/payload.ts'
export { classifyError } from './records/classify.ts'
export type { Verdict } from './records/classify.ts'
export { nextSeq } from './records/seq.ts'
export { TrustStore } from './store/trust-store.ts'
export type { IngestResult, IngestStatus, StoreCounters, TrustDb, TrustOp, TrustStoreInit } from './store/trust-store.ts'
export { TrustEngine } from './metric/engine.ts'
export type { TrustEngineInit, TrustEngineStats } from './metric/engine.ts'
export { TrustView } from './metric/trust-view.ts'
export type { TrustEntry, TrustLevel, TrustSource } from './metric/view.ts'
export type { BlockReason, ExplainPath, Explanation, IncomingAttestation } from './metric/explain.ts'
export { createInvite, parseInvite } from './invite/invite.ts'
export type { CreateInviteOptions, CreatedInvite, Invite } from './invite/invite.ts'
export { inviteProof, verifyInviteProof } from './invite/proof.ts'
