/**
 * Signed envelopes in the manner of libp2p RFC 0002 (signed envelopes):
 *
 *   envelope    = field(publicKey) field(payloadType) field(payload) field(signature)
 *   signed data = field(domain) field(payloadType) field(payload)
 *
 * where field(x) is the unsigned-varint length of x followed by x, and
 * publicKey is the libp2p protobuf encoding of the signer's key. As in the
 * RFC the domain is never transmitted: the verifier derives it from the
 * payload type, so a signature made for one record kind never verifies as
 * another.
 */
import { createHash } from 'node:crypto'
import { publicKeyFromProtobuf, publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { FieldReader, FieldWriter } from '../codec/fields.ts'
import { DEFAULT_CLOCK_SKEW, MAX_RECORD_BYTES } from '../constants.ts'
import {
  OverlayClaimInvalidError, RecordExpiredError, RecordFromFutureError, RecordMalformedError, RecordTooLargeError,
  SignatureInvalidError, UnknownPayloadTypeError, UnsupportedKeyError, WrongDomainError, WrongIssuerError
} from '../errors.ts'
import { isValidOverlayClaim } from '../overlay/addresses.ts'
import { cellPublicKeyRaw } from './cell-id.ts'
import { verifyEd25519 } from './ed25519.ts'
import { KINDS, decodePayload, encodePayload, kindOfPayloadType, kindSpec } from './payload.ts'
import type { AnyRecord, OpenedRecord, RecordKind, RecordOfKind } from './types.ts'
import type { PrivateKey, PublicKey } from '@libp2p/interface'

export interface OpenOptions {
  /** Current time in Unix milliseconds */
  now: number
  /** Largest envelope accepted (default MAX_RECORD_BYTES, 4 KiB) */
  maxBytes?: number
  /** Tolerated clock difference for issuedAt / notBefore (default 5 min) */
  clockSkewMs?: number
}

function signedData (domain: string, payloadType: Uint8Array, payload: Uint8Array): Uint8Array {
  return new FieldWriter().string(domain).bytes(payloadType).bytes(payload).finish()
}

function rawBytes (a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && a.every((byte, i) => byte === b[i])
}

/** Issuer of a record: the cell whose key must have signed it. */
export function issuerOf (kind: RecordKind, record: AnyRecord): string {
  return kind === 'peer-record' ? (record as RecordOfKind['peer-record']).cellId : (record as RecordOfKind['attestation']).issuer
}

/** What a record is about; (kind, issuer, subject) is its slot in the store. */
export function subjectOf (kind: RecordKind, record: AnyRecord): string {
  return kind === 'attestation' ? (record as RecordOfKind['attestation']).subject : issuerOf(kind, record)
}

/** Content id of an envelope: hex SHA-256 of its bytes. */
export function envelopeId (envelope: Uint8Array): string {
  return createHash('sha256').update(envelope).digest('hex')
}

/**
 * Sign a record with the issuer's Ed25519 key. The record is validated
 * first (InvalidRecordError), and the key must be the issuer's
 * (WrongIssuerError), so a cell never emits what others would refuse.
 */
export function sealRecord<K extends RecordKind> (privateKey: PrivateKey, kind: K, record: RecordOfKind[K]): Uint8Array {
  if (privateKey.type !== 'Ed25519') {
    throw new UnsupportedKeyError()
  }
  const spec = kindSpec(kind)
  const payload = encodePayload(kind, record)
  const issuerKey = cellPublicKeyRaw(issuerOf(kind, record))
  if (issuerKey == null || !rawBytes(issuerKey, privateKey.publicKey.raw)) {
    throw new WrongIssuerError('The signing key is not the issuer of this record')
  }

  const signature = privateKey.sign(signedData(spec.domain, spec.payloadType, payload))
  if (!(signature instanceof Uint8Array)) {
    // Ed25519 keys sign synchronously; anything else is not a cell key.
    throw new UnsupportedKeyError('Signing key did not sign synchronously')
  }
  const sealed = new FieldWriter()
    .bytes(publicKeyToProtobuf(privateKey.publicKey))
    .bytes(spec.payloadType)
    .bytes(payload)
    .bytes(signature)
    .finish()
  if (sealed.byteLength > MAX_RECORD_BYTES) {
    throw new RecordTooLargeError(`Sealed record of ${sealed.byteLength} bytes exceeds ${MAX_RECORD_BYTES}`)
  }
  return sealed
}

interface DecodedEnvelope {
  publicKey: PublicKey
  payloadType: Uint8Array
  payload: Uint8Array
  signature: Uint8Array
}

function decodeEnvelope (bytes: Uint8Array): DecodedEnvelope {
  const reader = new FieldReader(bytes)
  const keyBytes = reader.bytes(128)
  const payloadType = reader.bytes(64)
  const payload = reader.bytes()
  const signature = reader.bytes(128)
  reader.end()

  let publicKey: PublicKey
  try {
    publicKey = publicKeyFromProtobuf(keyBytes)
  } catch (err) {
    throw new RecordMalformedError('Invalid public key', { cause: err })
  }
  if (publicKey.type !== 'Ed25519') {
    throw new UnsupportedKeyError()
  }
  if (signature.byteLength !== 64) {
    throw new RecordMalformedError('Ed25519 signatures are 64 bytes')
  }
  return { publicKey, payloadType, payload, signature }
}

function verify (key: PublicKey, data: Uint8Array, signature: Uint8Array): boolean {
  return verifyEd25519(key.raw, data, signature)
}

function checkTimes (opened: OpenedRecord, now: number, skew: number): void {
  const { kind, record } = opened
  const start = kind === 'peer-record' ? record.issuedAt : kind === 'attestation' ? record.notBefore : undefined
  if (start != null && start > now + skew) {
    throw new RecordFromFutureError()
  }
  const end = kind === 'key-notice' ? undefined : record.notAfter
  if (end != null && end < now) {
    throw new RecordExpiredError()
  }
}

function build (kind: RecordKind, record: AnyRecord, envelope: Uint8Array): OpenedRecord {
  return {
    kind,
    record,
    envelope,
    id: envelopeId(envelope),
    issuer: issuerOf(kind, record),
    subject: subjectOf(kind, record),
    seq: record.seq
  } as OpenedRecord
}

/**
 * Decode and fully check a sealed record: size, encoding, payload type,
 * issuer key, signature and domain, overlay claim, validity window. Cheap
 * checks run before the signature so junk costs no public-key operation.
 */
export function openRecord (bytes: Uint8Array, options: OpenOptions): OpenedRecord {
  const maxBytes = options.maxBytes ?? MAX_RECORD_BYTES
  if (bytes.byteLength > maxBytes) {
    throw new RecordTooLargeError(`Record of ${bytes.byteLength} bytes exceeds ${maxBytes}`)
  }
  const envelope = decodeEnvelope(bytes)
  const spec = kindOfPayloadType(envelope.payloadType)
  if (spec == null) {
    throw new UnknownPayloadTypeError()
  }
  const record = decodePayload(spec.kind, envelope.payload)
  const issuerKey = cellPublicKeyRaw(issuerOf(spec.kind, record))
  if (issuerKey == null || !rawBytes(issuerKey, envelope.publicKey.raw)) {
    throw new WrongIssuerError()
  }

  if (!verify(envelope.publicKey, signedData(spec.domain, spec.payloadType, envelope.payload), envelope.signature)) {
    // Tell a signature made under another kind's domain from plain
    // garbage; both are rejected, but the logs and counters differ.
    const other = KINDS.find(k => k !== spec &&
      verify(envelope.publicKey, signedData(k.domain, envelope.payloadType, envelope.payload), envelope.signature))
    throw other != null ? new WrongDomainError() : new SignatureInvalidError()
  }

  if (spec.kind === 'peer-record') {
    const overlay = (record as RecordOfKind['peer-record']).overlay
    if (overlay != null && !isValidOverlayClaim(issuerKey, overlay)) {
      throw new OverlayClaimInvalidError()
    }
  }
  const opened = build(spec.kind, record, bytes)
  checkTimes(opened, options.now, options.clockSkewMs ?? DEFAULT_CLOCK_SKEW)
  return opened
}

/**
 * Decode an envelope this cell verified before (read back from its own
 * store). Skips the signature and clock checks, keeps the decoding checks.
 */
export function decodeVerifiedRecord (bytes: Uint8Array): OpenedRecord {
  const envelope = decodeEnvelope(bytes)
  const spec = kindOfPayloadType(envelope.payloadType)
  if (spec == null) {
    throw new UnknownPayloadTypeError()
  }
  return build(spec.kind, decodePayload(spec.kind, envelope.payload), bytes)
}
