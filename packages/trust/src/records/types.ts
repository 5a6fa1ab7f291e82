/**
 * The three signed record kinds a cell publishes. Every record carries the
 * issuer's `seq`: ONE sequence per issuer across all kinds, like a
 * Scuttlebutt feed, so "what is new since X" is a single number per issuer.
 *
 * Numbers: `seq` and all times (Unix milliseconds) are safe integers
 * (`Number.isSafeInteger`), never bigint, so records pass through JSON
 * unchanged. 2^53 ms is about 285,000 years, so seqs derived from the clock
 * (see `nextSeq`) never run out.
 */
import type { LEVELS, SCOPES } from '../constants.ts'

export type Scope = typeof SCOPES[number]
export type Level = typeof LEVELS[number]

/** Overlay addresses a cell claims; must match its key (overlay/addresses.ts). */
export interface OverlayClaim {
  ipv6: string
  ipv4: string
}

/** Where and how to reach a cell. Signed by the cell itself. */
export interface PeerRecord {
  /** The cell's id; the record must be signed by this key */
  cellId: string
  /** DNS label the cell prefers: lowercase, 1-63 characters */
  name: string
  /** libp2p multiaddrs, at most 16 */
  multiaddrs: string[]
  /** WireGuard public key, base64 of 32 bytes */
  wgPublicKey: string
  /** WireGuard endpoints as `host:port` (`[v6]:port` for IPv6), at most 8 */
  wgEndpoints: string[]
  /** Overlay addresses; when present they must be derived from the cell key */
  overlay?: OverlayClaim
  /** Service names the cell offers */
  services: string[]
  /** CIDR prefixes the cell routes for (may be empty) */
  advertisedPrefixes: string[]
  seq: number
  issuedAt: number
  notAfter: number
}

/** "issuer trusts subject at `level` for `scopes`". */
export interface Attestation {
  issuer: string
  subject: string
  /** 'none' revokes an earlier attestation of the same subject */
  level: Level
  scopes: Scope[]
  /**
   * How many hops beyond the subject the issuer vouches onward (0..4):
   * 0 = the subject only, 1 = also the cells the subject trusts, ...
   */
  maxDepth: number
  seq: number
  notBefore: number
  notAfter: number
}

/** Self-signed by the OLD key: it is retired from `effectiveAt` on. */
export interface KeyNotice {
  issuer: string
  kind: 'rotated' | 'compromised'
  /** The new cell id; required when `kind` is 'rotated' */
  successor?: string
  effectiveAt: number
  seq: number
}

/** Payload kinds, one per record type, each with its own signing domain. */
export type RecordKind = 'peer-record' | 'attestation' | 'key-notice'

export interface RecordOfKind {
  'peer-record': PeerRecord
  'attestation': Attestation
  'key-notice': KeyNotice
}

export type AnyRecord = PeerRecord | Attestation | KeyNotice

interface OpenedBase {
  /** The sealed envelope exactly as received */
  envelope: Uint8Array
  /** Hex SHA-256 of `envelope`: the record's content id */
  id: string
  /** Issuer of the record (the signer) */
  issuer: string
  /** What the record is about: cellId, subject or issuer */
  subject: string
  seq: number
}

export type OpenedRecord =
  | (OpenedBase & { kind: 'peer-record', record: PeerRecord })
  | (OpenedBase & { kind: 'attestation', record: Attestation })
  | (OpenedBase & { kind: 'key-notice', record: KeyNotice })
