/**
 * Invite tokens: how a person brings a new cell into their web of trust.
 *
 * The token is compact text, `pic1` + base64url of
 *   field(inviterId) list(multiaddrs) field(secret) field(level)
 *   list(scopes) uint(expiresAt) field(signature)
 * (codec/fields.ts layout), signed by the inviter's cell key over the
 * fields before the signature under the domain 'pic-invite'. Anyone
 * holding the token can read it; nobody can alter it without the
 * inviter's key. The joiner later proves possession of the secret with
 * `inviteProof` (proof.ts); the agent redeems each invite id once.
 */
import { createHash, randomBytes } from 'node:crypto'
import { FieldReader, FieldWriter } from '../codec/fields.ts'
import { INVITE_PREFIX, INVITE_SECRET_BYTES, MAX_INVITE_TOKEN_LENGTH, MAX_MULTIADDRS, MAX_STRING_LENGTH, SCOPES } from '../constants.ts'
import {
  InvalidRecordError, InviteExpiredError, InviteMalformedError, InviteTamperedError, RecordMalformedError, UnsupportedKeyError,
  WrongIssuerError
} from '../errors.ts'
import { cellIdFromPublicKey, cellPublicKeyRaw } from '../records/cell-id.ts'
import { publicKeyFromRaw } from '@libp2p/crypto/keys'
import type { Scope } from '../records/types.ts'
import type { PrivateKey } from '@libp2p/interface'

const DOMAIN = 'pic-invite'

export interface Invite {
  /** Hex SHA-256 of the secret: names the invite without revealing it */
  id: string
  inviterId: string
  /** Where the joiner can reach the inviter */
  multiaddrs: string[]
  secret: Uint8Array
  /** Level and scopes the inviter will attest the joiner with */
  level: 'full' | 'marginal'
  scopes: Scope[]
  expiresAt: number
}

export interface CreateInviteOptions {
  /** The inviter's cell key; it signs the token */
  privateKey: PrivateKey
  /** The inviter's cell id; must match the key when given */
  inviterId?: string
  multiaddrs: string[]
  level: 'full' | 'marginal'
  scopes: Scope[]
  expiresAt: number
  now: number
}

export interface CreatedInvite {
  token: string
  secret: Uint8Array
  id: string
  invite: Invite
}

function inviteId (secret: Uint8Array): string {
  return createHash('sha256').update(secret).digest('hex')
}

function body (invite: Omit<Invite, 'id'>): Uint8Array {
  return new FieldWriter()
    .string(invite.inviterId).strings(invite.multiaddrs).bytes(invite.secret)
    .string(invite.level).strings(invite.scopes).uint(invite.expiresAt)
    .finish()
}

function signedData (bodyBytes: Uint8Array): Uint8Array {
  return new FieldWriter().string(DOMAIN).bytes(bodyBytes).finish()
}

export function createInvite (options: CreateInviteOptions): CreatedInvite {
  const { privateKey } = options
  if (privateKey.type !== 'Ed25519') {
    throw new UnsupportedKeyError()
  }
  const inviterId = cellIdFromPublicKey(privateKey.publicKey)
  if (options.inviterId != null && options.inviterId !== inviterId) {
    throw new WrongIssuerError('The invite key is not the inviter\'s')
  }
  if (!Number.isSafeInteger(options.expiresAt) || options.expiresAt <= options.now) {
    throw new InvalidRecordError('An invite must expire in the future')
  }
  if (options.scopes.length === 0 || options.multiaddrs.length > MAX_MULTIADDRS) {
    throw new InvalidRecordError('An invite needs at least one scope and at most 16 addresses')
  }

  const secret = new Uint8Array(randomBytes(INVITE_SECRET_BYTES))
  const fields = { inviterId, multiaddrs: [...options.multiaddrs], secret, level: options.level, scopes: [...options.scopes], expiresAt: options.expiresAt }
  const bodyBytes = body(fields)
  const signature = privateKey.sign(signedData(bodyBytes))
  if (!(signature instanceof Uint8Array)) {
    throw new UnsupportedKeyError('Signing key did not sign synchronously')
  }
  const bytes = new FieldWriter().bytes(bodyBytes).bytes(signature).finish()
  const token = INVITE_PREFIX + Buffer.from(bytes).toString('base64url')
  if (token.length > MAX_INVITE_TOKEN_LENGTH) {
    throw new InvalidRecordError('Invite token would exceed its size limit')
  }
  const id = inviteId(secret)
  return { token, secret, id, invite: { id, ...fields } }
}

function decodeBody (bodyBytes: Uint8Array): Omit<Invite, 'id'> {
  const reader = new FieldReader(bodyBytes)
  const inviterId = reader.string(MAX_STRING_LENGTH)
  const multiaddrs = reader.strings(MAX_MULTIADDRS, MAX_STRING_LENGTH)
  const secret = reader.bytes(INVITE_SECRET_BYTES)
  const level = reader.string(16)
  const scopes = reader.strings(SCOPES.length, 16)
  const expiresAt = reader.uint()
  reader.end()
  if (secret.byteLength !== INVITE_SECRET_BYTES || (level !== 'full' && level !== 'marginal') ||
      scopes.length === 0 || !scopes.every(s => (SCOPES as readonly string[]).includes(s))) {
    throw new InviteMalformedError('Invite fields are invalid')
  }
  return { inviterId, multiaddrs, secret: Uint8Array.from(secret), level, scopes: scopes as Scope[], expiresAt }
}

/** Decode and check a token: encoding, inviter signature, expiry. */
export function parseInvite (token: string, now: number): Invite {
  if (typeof token !== 'string' || token.length > MAX_INVITE_TOKEN_LENGTH || !token.startsWith(INVITE_PREFIX)) {
    throw new InviteMalformedError('Not an invite token')
  }
  const text = token.slice(INVITE_PREFIX.length)
  const bytes = Buffer.from(text, 'base64url')

  // Node's decoder skips invalid characters; insist on the canonical text.
  if (bytes.toString('base64url') !== text) {
    throw new InviteMalformedError('Invite token is not valid base64url')
  }

  let fields: Omit<Invite, 'id'>
  let bodyBytes: Uint8Array
  let signature: Uint8Array
  try {
    const reader = new FieldReader(bytes)
    bodyBytes = reader.bytes()
    signature = reader.bytes(64)
    reader.end()
    fields = decodeBody(bodyBytes)
  } catch (err) {
    if (err instanceof InviteMalformedError) throw err
    throw new InviteMalformedError(err instanceof RecordMalformedError ? err.message : 'Invite could not be decoded', { cause: err })
  }

  const raw = cellPublicKeyRaw(fields.inviterId)
  if (raw == null) {
    throw new InviteMalformedError('Invite names no valid inviter')
  }
  if (signature.byteLength !== 64 || publicKeyFromRaw(raw).verify(signedData(bodyBytes), signature) !== true) {
    throw new InviteTamperedError()
  }
  if (fields.expiresAt < now) {
    throw new InviteExpiredError()
  }
  return { id: inviteId(fields.secret), ...fields }
}
