/**
 * Payload encodings of the three record kinds, field by field in a fixed
 * order (see codec/fields.ts), plus the payload type and signing domain of
 * each kind. Changing a layout means a new payload type (`/1` -> `/2`).
 */
import { FieldReader, FieldWriter } from '../codec/fields.ts'
import { MAX_MULTIADDRS, MAX_PREFIXES, MAX_SERVICES, MAX_STRING_LENGTH, MAX_WG_ENDPOINTS, SCOPES } from '../constants.ts'
import { InvalidRecordError, RecordMalformedError } from '../errors.ts'
import { attestationSchema, keyNoticeSchema, peerRecordSchema } from './schema.ts'
import type { Attestation, KeyNotice, PeerRecord, RecordKind, RecordOfKind } from './types.ts'
import type { ZodType } from 'zod'

const encoder = new TextEncoder()

export interface KindSpec {
  kind: RecordKind
  /** Signing domain: signatures for one kind never verify as another */
  domain: string
  /** Payload type carried in the envelope (like a multicodec in RFC 0002) */
  payloadType: Uint8Array
}

export const KINDS: readonly KindSpec[] = [
  { kind: 'peer-record', domain: 'pic-peer-record', payloadType: encoder.encode('/pic/peer-record/1') },
  { kind: 'attestation', domain: 'pic-attestation', payloadType: encoder.encode('/pic/attestation/1') },
  { kind: 'key-notice', domain: 'pic-key-notice', payloadType: encoder.encode('/pic/key-notice/1') }
]

export function kindSpec (kind: RecordKind): KindSpec {
  const spec = KINDS.find(k => k.kind === kind)
  if (spec == null) {
    throw new InvalidRecordError(`Unknown record kind ${String(kind)}`)
  }
  return spec
}

export function kindOfPayloadType (payloadType: Uint8Array): KindSpec | undefined {
  return KINDS.find(k => k.payloadType.byteLength === payloadType.byteLength &&
    k.payloadType.every((byte, i) => byte === payloadType[i]))
}

const schemas: { [K in RecordKind]: ZodType<RecordOfKind[K]> } = {
  'peer-record': peerRecordSchema,
  attestation: attestationSchema,
  'key-notice': keyNoticeSchema
}

/** Check a record's fields; throws InvalidRecordError listing the problems. */
export function validateRecord<K extends RecordKind> (kind: K, record: unknown): RecordOfKind[K] {
  const result = schemas[kind].safeParse(record)
  if (!result.success) {
    const problems = result.error.issues.map(i => `${i.path.join('.') || kind}: ${i.message}`).join('; ')
    throw new InvalidRecordError(`Invalid ${kind}: ${problems}`, { cause: result.error })
  }
  return result.data
}

function writePeerRecord (w: FieldWriter, r: PeerRecord): void {
  w.string(r.cellId).string(r.name).strings(r.multiaddrs).string(r.wgPublicKey).strings(r.wgEndpoints)
  if (r.overlay == null) {
    w.uint(0)
  } else {
    w.uint(1).string(r.overlay.ipv6).string(r.overlay.ipv4)
  }
  w.strings(r.services).strings(r.advertisedPrefixes).uint(r.seq).uint(r.issuedAt).uint(r.notAfter)
}

function readPeerRecord (r: FieldReader): PeerRecord {
  const cellId = r.string(MAX_STRING_LENGTH)
  const name = r.string(MAX_STRING_LENGTH)
  const multiaddrs = r.strings(MAX_MULTIADDRS, MAX_STRING_LENGTH)
  const wgPublicKey = r.string(MAX_STRING_LENGTH)
  const wgEndpoints = r.strings(MAX_WG_ENDPOINTS, MAX_STRING_LENGTH)
  const hasOverlay = r.uint()
  if (hasOverlay > 1) {
    throw new RecordMalformedError('Invalid overlay flag')
  }
  const overlay = hasOverlay === 1 ? { ipv6: r.string(64), ipv4: r.string(16) } : undefined
  const services = r.strings(MAX_SERVICES, MAX_STRING_LENGTH)
  const advertisedPrefixes = r.strings(MAX_PREFIXES, 64)
  const record: PeerRecord = {
    cellId, name, multiaddrs, wgPublicKey, wgEndpoints, services, advertisedPrefixes,
    seq: r.uint(), issuedAt: r.uint(), notAfter: r.uint()
  }
  if (overlay != null) {
    record.overlay = overlay
  }
  return record
}

function writeAttestation (w: FieldWriter, a: Attestation): void {
  w.string(a.issuer).string(a.subject).string(a.level).strings(a.scopes)
    .uint(a.maxDepth).uint(a.seq).uint(a.notBefore).uint(a.notAfter)
}

function readAttestation (r: FieldReader): Attestation {
  return {
    issuer: r.string(MAX_STRING_LENGTH),
    subject: r.string(MAX_STRING_LENGTH),
    level: r.string(16) as Attestation['level'],
    scopes: r.strings(SCOPES.length, 16) as Attestation['scopes'],
    maxDepth: r.uint(),
    seq: r.uint(),
    notBefore: r.uint(),
    notAfter: r.uint()
  }
}

function writeKeyNotice (w: FieldWriter, n: KeyNotice): void {
  w.string(n.issuer).string(n.kind)
  if (n.successor == null) {
    w.uint(0)
  } else {
    w.uint(1).string(n.successor)
  }
  w.uint(n.effectiveAt).uint(n.seq)
}

function readKeyNotice (r: FieldReader): KeyNotice {
  const issuer = r.string(MAX_STRING_LENGTH)
  const kind = r.string(16) as KeyNotice['kind']
  const hasSuccessor = r.uint()
  if (hasSuccessor > 1) {
    throw new RecordMalformedError('Invalid successor flag')
  }
  const successor = hasSuccessor === 1 ? r.string(MAX_STRING_LENGTH) : undefined
  const notice: KeyNotice = { issuer, kind, effectiveAt: r.uint(), seq: r.uint() }
  if (successor != null) {
    notice.successor = successor
  }
  return notice
}

/** Validate and encode a record's payload. */
export function encodePayload<K extends RecordKind> (kind: K, record: RecordOfKind[K]): Uint8Array {
  const valid = validateRecord(kind, record)
  const w = new FieldWriter()
  if (kind === 'peer-record') {
    writePeerRecord(w, valid as PeerRecord)
  } else if (kind === 'attestation') {
    writeAttestation(w, valid as Attestation)
  } else {
    writeKeyNotice(w, valid as KeyNotice)
  }
  return w.finish()
}

/** Decode and validate a payload; any problem is RecordMalformedError. */
export function decodePayload<K extends RecordKind> (kind: K, bytes: Uint8Array): RecordOfKind[K] {
  const r = new FieldReader(bytes)
  const record = kind === 'peer-record' ? readPeerRecord(r) : kind === 'attestation' ? readAttestation(r) : readKeyNotice(r)
  r.end()
  try {
    return validateRecord(kind, record)
  } catch (err) {
    throw new RecordMalformedError(err instanceof Error ? err.message : 'Invalid record', { cause: err })
  }
}
