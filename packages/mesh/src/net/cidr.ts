/**
 * CIDR prefixes in one canonical text form, so that desired state, what
 * `ip -j route` prints and what the API stores compare as plain strings.
 */
import { isIP } from 'node:net'
import { IpNet } from '@chainsafe/netmask'
import { InvalidArgumentError } from '../errors.ts'
import { memoize } from './memo.ts'

export type IpFamily = 4 | 6

/**
 * Canonical text of an IPv6 address. The WHATWG URL serializer implements
 * RFC 5952 section 4 (lowercase, longest zero run compressed), which is also
 * what iproute2 prints, so no hand-written formatter is needed.
 */
function canonicalIpv6 (address: string): string {
  return new URL(`http://[${address}]/`).hostname.slice(1, -1)
}

function bytesToIp (bytes: Uint8Array): string {
  if (bytes.length === 4) {
    return bytes.join('.')
  }
  const groups: string[] = []
  for (let i = 0; i < 16; i += 2) {
    groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16))
  }
  return canonicalIpv6(groups.join(':'))
}

/** Canonical text of an IP address, or `null` when it is not one. */
export const canonicalIp = memoize(parseCanonicalIp)

function parseCanonicalIp (address: string): string | null {
  const family = isIP(address)
  if (family === 4) {
    return address.split('.').map(Number).join('.')
  }
  return family === 6 ? canonicalIpv6(address) : null
}

/** An IPv4 address as an unsigned 32-bit number; the address must be valid. */
export function ipv4ToNumber (address: string): number {
  const [a, b, c, d] = address.split('.').map(Number)
  return ((a << 24) >>> 0) + (b << 16) + (c << 8) + d
}

function numberToIpv4 (value: number): string {
  return [value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff].join('.')
}

/**
 * Parse `address/length` (or a bare address, taken as a host prefix) into its
 * canonical form with host bits cleared: `10.0.0.1/24` → `10.0.0.0/24`.
 * Returns `null` for anything else.
 */
export function tryCanonicalCidr (text: string): string | null {
  if (typeof text !== 'string' || text.length > 64) {
    return null
  }
  return canonicalCidrOf(text)
}

const canonicalCidrOf = memoize(parseCanonicalCidr)

function parseCanonicalCidr (text: string): string | null {
  const slash = text.indexOf('/')
  const address = slash < 0 ? text : text.slice(0, slash)
  const family = isIP(address)
  if (family === 0 || address.includes('%')) {
    return null
  }
  const max = family === 4 ? 32 : 128
  const lengthText = slash < 0 ? String(max) : text.slice(slash + 1)
  if (!/^\d{1,3}$/.test(lengthText) || Number(lengthText) > max) {
    return null
  }
  const length = Number(lengthText)
  if (length === max) {
    return `${canonicalIp(address) as string}/${max}`
  }
  if (family === 4) {
    // Plain integer masking: this runs for every prefix of every peer, and
    // the library's generic parser costs several times more here.
    const mask = length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0
    return `${numberToIpv4((ipv4ToNumber(address) & mask) >>> 0)}/${length}`
  }
  const net = new IpNet(`${address}/${lengthText}`)
  return `${bytesToIp(net.network)}/${length}`
}

/** Like `tryCanonicalCidr` but throws `InvalidArgumentError` naming `field`. */
export function canonicalCidr (text: string, field = 'cidr'): string {
  const canonical = tryCanonicalCidr(text)
  if (canonical == null) {
    throw new InvalidArgumentError(field, `not a CIDR prefix: ${String(text).slice(0, 64)}`)
  }
  return canonical
}

/** Address family of a canonical CIDR. */
export function cidrFamily (cidr: string): IpFamily {
  return cidr.includes(':') ? 6 : 4
}

/** Prefix length of a canonical CIDR. */
export function cidrLength (cidr: string): number {
  return Number(cidr.slice(cidr.indexOf('/') + 1))
}

/** Whether the CIDR is a default route (`0.0.0.0/0` or `::/0`). */
export function isDefaultRoute (cidr: string): boolean {
  return cidrLength(cidr) === 0
}

/** Parsed networks by canonical CIDR text (the same ranges and hosts recur on every computation). */
const parsedNet = memoize(cidr => new IpNet(cidr))

/** Whether two canonical CIDRs share any address. */
export function cidrsOverlap (a: string, b: string): boolean {
  if (cidrFamily(a) !== cidrFamily(b)) {
    return false
  }
  const netA = parsedNet(a)
  const netB = parsedNet(b)
  return netA.contains(netB.network) || netB.contains(netA.network)
}
