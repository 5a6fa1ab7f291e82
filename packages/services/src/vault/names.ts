/**
 * Validation of every name the vault takes from callers or peers. Secret
 * names become file names, so they are held to a strict alphabet that can
 * never escape the secrets folder; SANs must be names a TLS client can
 * match (RFC 6125), because a certificate for an unmatchable name is useless.
 */
import { isIP } from 'node:net'
import { MAX_NAME_LENGTH, MAX_SANS, MAX_SCOPES } from './constants.ts'
import { VaultCertificateRequestError, VaultNameError } from './errors.ts'

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@+-]*$/
const CELL_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:+-]*$/
const SCOPE_PATTERN = /^[a-z0-9][a-z0-9._:-]*$/
const DNS_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/

function checkName (kind: string, name: unknown, pattern: RegExp): string {
  if (typeof name !== 'string' || name.length === 0) {
    throw new VaultNameError(kind, String(name), 'must be a non-empty string')
  }
  if (name.length > MAX_NAME_LENGTH) {
    throw new VaultNameError(kind, name, `longer than ${MAX_NAME_LENGTH} characters`)
  }
  if (name.includes('..') || name.includes('/') || name.includes('\\')) {
    throw new VaultNameError(kind, name, 'must not contain "..", "/" or "\\"')
  }
  if (!pattern.test(name)) {
    throw new VaultNameError(kind, name, `must match ${pattern.source}`)
  }
  return name
}

/** A secret name: letters, digits and `._@+-`, no `..`, starting alphanumeric. */
export function checkSecretName (name: unknown): string {
  return checkName('secret', name, NAME_PATTERN)
}

/** A credential name (the service a certificate is kept for), same rules as secrets. */
export function checkCredentialName (name: unknown): string {
  return checkName('credential', name, NAME_PATTERN)
}

/** A cell id as the mesh spells it (libp2p peer ids are base58 or base32). */
export function checkCellId (cellId: unknown): string {
  return checkName('cell', cellId, CELL_ID_PATTERN)
}

/** Scope that stands for every scope, as in the trust layer's attestations. */
export const ANY_SCOPE = '*'

/** A trust scope such as `mesh` or `service:files` (lowercase), or `*` for all scopes. */
export function checkScope (scope: unknown): string {
  return scope === ANY_SCOPE ? ANY_SCOPE : checkName('scope', scope, SCOPE_PATTERN)
}

/** A non-empty, de-duplicated, sorted list of scopes. */
export function checkScopes (scopes: unknown): string[] {
  if (!Array.isArray(scopes) || scopes.length === 0 || scopes.length > MAX_SCOPES) {
    throw new VaultNameError('scope', String(scopes), `expected 1 to ${MAX_SCOPES} scopes`)
  }
  return [...new Set(scopes.map(checkScope))].sort()
}

/** Whether `name` is a DNS name a certificate may carry, wildcard in the leftmost label only. */
export function isDnsName (name: string): boolean {
  if (name.length === 0 || name.length > 253) {
    return false
  }
  const labels = name.split('.')
  const first = labels[0] === '*' && labels.length > 2 ? labels.slice(1) : labels
  return first.every(label => DNS_LABEL.test(label))
}

/** Subject alternative names split by kind, as written into the certificate. */
export interface SplitSans {
  dns: string[]
  ip: string[]
}

/**
 * Normalise SANs: DNS names lowercased, IP literals as given (IPv4 or IPv6),
 * duplicates dropped, order kept so the first name stays first.
 */
export function splitSans (sans: unknown): SplitSans {
  if (!Array.isArray(sans) || sans.length > MAX_SANS) {
    throw new VaultCertificateRequestError('sans', `expected an array of at most ${MAX_SANS} names`)
  }
  const dns: string[] = []
  const ip: string[] = []
  for (const entry of sans) {
    if (typeof entry !== 'string') {
      throw new VaultCertificateRequestError('sans', 'every entry must be a string')
    }
    if (isIP(entry) !== 0) {
      if (!ip.includes(entry)) ip.push(entry)
      continue
    }
    const lower = entry.toLowerCase().replace(/\.$/, '')
    if (!isDnsName(lower)) {
      throw new VaultCertificateRequestError('sans', `"${entry.slice(0, 80)}" is neither a DNS name nor an IP address`)
    }
    if (!dns.includes(lower)) dns.push(lower)
  }
  return { dns, ip }
}
