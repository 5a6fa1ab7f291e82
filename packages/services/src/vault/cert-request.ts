/**
 * Validation of certificate requests before any key is generated, so a bad
 * request costs nothing and leaves nothing behind.
 */
import { DEFAULT_CERT_DAYS, MAX_CERT_DAYS, MAX_COMMON_NAME_LENGTH } from './constants.ts'
import { VaultCertificateRequestError } from './errors.ts'
import { isDnsName, splitSans } from './names.ts'
import type { SplitSans } from './names.ts'
import type { CertificateUsage, IssueRequest } from './types.ts'

/** A request after validation and normalisation. */
export interface NormalizedRequest {
  commonName: string
  sans: SplitSans
  usage: CertificateUsage[]
  days: number
}

// Control characters and the DN special characters of RFC 4514 are refused
// so the subject prints and parses the same everywhere.
const COMMON_NAME = /^[^\p{Cc}\\"<>;=+,]+$/u

function normalizeUsage (usage: IssueRequest['usage']): CertificateUsage[] {
  const list = usage == null ? ['server'] : Array.isArray(usage) ? usage : [usage]
  if (list.length === 0 || list.some(u => u !== 'server' && u !== 'client')) {
    throw new VaultCertificateRequestError('usage', 'expected "server", "client" or both')
  }
  return (['server', 'client'] as const).filter(u => list.includes(u))
}

/** Validate `request`; throws VaultCertificateRequestError naming the bad field. */
export function normalizeRequest (request: IssueRequest): NormalizedRequest {
  if (request == null || typeof request !== 'object') {
    throw new VaultCertificateRequestError('request', 'expected an object')
  }
  const { commonName } = request
  if (typeof commonName !== 'string' || commonName.length === 0 || commonName.length > MAX_COMMON_NAME_LENGTH) {
    throw new VaultCertificateRequestError('commonName', `expected 1 to ${MAX_COMMON_NAME_LENGTH} characters`)
  }
  if (!COMMON_NAME.test(commonName)) {
    throw new VaultCertificateRequestError('commonName', 'contains control or distinguished-name special characters')
  }

  const days = request.days ?? DEFAULT_CERT_DAYS
  if (!Number.isInteger(days) || days < 1 || days > MAX_CERT_DAYS) {
    throw new VaultCertificateRequestError('days', `expected an integer from 1 to ${MAX_CERT_DAYS}`)
  }

  const usage = normalizeUsage(request.usage)
  const sans = splitSans(request.sans ?? [])
  const lowerName = commonName.toLowerCase()
  if (sans.dns.length === 0 && sans.ip.length === 0 && isDnsName(lowerName)) {
    sans.dns.push(lowerName)
  }
  // RFC 6125 6.4.4: clients ignore the CN once SANs exist and modern ones
  // never fall back to it, so a server certificate without SANs is unusable.
  if (usage.includes('server') && sans.dns.length === 0 && sans.ip.length === 0) {
    throw new VaultCertificateRequestError('sans', 'a server certificate needs at least one DNS name or IP address')
  }
  return { commonName, sans, usage, days }
}

/** SANs in the flat form stored and reported: DNS names, then IP addresses. */
export function flatSans (sans: SplitSans): string[] {
  return [...sans.dns, ...sans.ip]
}

/** Whether two requests describe the same certificate (validity aside). */
export function sameSubject (a: NormalizedRequest, b: NormalizedRequest): boolean {
  const setEqual = (x: string[], y: string[]): boolean => x.length === y.length && x.every(v => y.includes(v))
  return a.commonName === b.commonName &&
    setEqual(flatSans(a.sans), flatSans(b.sans)) &&
    setEqual(a.usage, b.usage)
}
