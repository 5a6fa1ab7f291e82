/**
 * Field rules of the records, as zod schemas. The same schemas check a
 * record before it is sealed and after it is decoded, so a cell never signs
 * what it would refuse from others.
 */
import { isIP } from 'node:net'
import { multiaddr } from '@multiformats/multiaddr'
import { z } from 'zod'
import {
  LEVELS, MAX_MULTIADDRS, MAX_PREFIXES, MAX_SERVICES, MAX_STRING_LENGTH, MAX_TRUST_DEPTH,
  MAX_WG_ENDPOINTS, SCOPES
} from '../constants.ts'
import { isCellId } from './cell-id.ts'

const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/
const HOSTNAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i
const SERVICE_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/
const BASE64_32_BYTES = /^[A-Za-z0-9+/]{43}=$/

const timestamp = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)
const cellId = z.string().max(MAX_STRING_LENGTH).refine(isCellId, 'not an Ed25519 cell id')

function isMultiaddr (value: string): boolean {
  try {
    multiaddr(value)
    return true
  } catch {
    return false
  }
}

/** `host:port`, `[ipv6]:port`; port 1-65535. */
export function isHostPort (value: string): boolean {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(value)
  if (match == null) {
    return false
  }
  const port = Number(match[3])
  if (port < 1 || port > 65535) {
    return false
  }
  if (match[1] != null) {
    return isIP(match[1]) === 6
  }
  return isIP(match[2]) === 4 || HOSTNAME.test(match[2])
}

/** An IPv4 or IPv6 prefix in CIDR notation with no host bits beyond it. */
export function isCidr (value: string): boolean {
  const slash = value.lastIndexOf('/')
  if (slash < 0) {
    return false
  }
  const address = value.slice(0, slash)
  const bits = value.slice(slash + 1)
  const family = isIP(address)
  if (family === 0 || !/^\d{1,3}$/.test(bits)) {
    return false
  }
  return Number(bits) <= (family === 4 ? 32 : 128)
}

function unique (values: readonly string[]): boolean {
  return new Set(values).size === values.length
}

export const overlaySchema = z.strictObject({
  ipv6: z.string().max(64),
  ipv4: z.string().max(16)
})

export const peerRecordSchema = z.strictObject({
  cellId,
  name: z.string().regex(DNS_LABEL, 'name must be a lowercase DNS label'),
  multiaddrs: z.array(z.string().max(MAX_STRING_LENGTH).refine(isMultiaddr, 'invalid multiaddr')).max(MAX_MULTIADDRS),
  wgPublicKey: z.string().regex(BASE64_32_BYTES, 'wgPublicKey must be base64 of 32 bytes'),
  wgEndpoints: z.array(z.string().max(MAX_STRING_LENGTH).refine(isHostPort, 'endpoint must be host:port')).max(MAX_WG_ENDPOINTS),
  overlay: overlaySchema.optional(),
  services: z.array(z.string().regex(SERVICE_NAME, 'invalid service name')).max(MAX_SERVICES).refine(unique, 'duplicate service'),
  advertisedPrefixes: z.array(z.string().max(64).refine(isCidr, 'invalid CIDR prefix')).max(MAX_PREFIXES),
  seq: timestamp,
  issuedAt: timestamp,
  notAfter: timestamp
}).refine(r => r.notAfter >= r.issuedAt, 'notAfter must not precede issuedAt')

export const attestationSchema = z.strictObject({
  issuer: cellId,
  subject: cellId,
  level: z.enum(LEVELS),
  scopes: z.array(z.enum(SCOPES)).min(1).max(SCOPES.length).refine(unique, 'duplicate scope'),
  maxDepth: z.number().int().min(0).max(MAX_TRUST_DEPTH),
  seq: timestamp,
  notBefore: timestamp,
  notAfter: timestamp
}).refine(a => a.issuer !== a.subject, 'a cell cannot attest itself')
  .refine(a => a.notAfter > a.notBefore, 'notAfter must follow notBefore')

export const keyNoticeSchema = z.strictObject({
  issuer: cellId,
  kind: z.enum(['rotated', 'compromised']),
  successor: cellId.optional(),
  effectiveAt: timestamp,
  seq: timestamp
}).refine(n => n.kind !== 'rotated' || n.successor != null, 'a rotation names its successor')
  .refine(n => n.successor !== n.issuer, 'a key cannot succeed itself')
