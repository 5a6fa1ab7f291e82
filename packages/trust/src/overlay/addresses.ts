/**
 * Overlay addresses derived from a cell's identity key.
 *
 * As in Yggdrasil and cjdns, a cell does not ask anyone for an address: it
 * derives it from a hash of its Ed25519 public key, and any other cell can
 * check the claim from the key alone. A peer record whose addresses do not
 * match this derivation is refused.
 *
 * - IPv6: the project's ULA /48 (RFC 4193: `fd` followed by a 40-bit global
 *   id, here the first 40 bits of SHA-256("personal-internet-cell")) plus an
 *   80-bit interface part hashed from the key. 80 bits make collisions
 *   negligible, so there is exactly one IPv6 candidate.
 * - IPv4: an address in 100.64.0.0/10 (RFC 6598 shared address space). With
 *   only 22 host bits, collisions are expected in meshes of a few thousand
 *   cells, so each key has an ordered list of candidates. The collision
 *   rule is deterministic: when two cells claim the same IPv4 address, the
 *   cell whose id sorts first keeps it, and the other moves to its next
 *   candidate that no known cell claims.
 */
import { createHash } from 'node:crypto'

/** The project's overlay IPv6 prefix (a ULA /48). */
export const OVERLAY_IPV6_PREFIX = 'fdab:bf08:7a36::/48'

/** The shared address space the overlay IPv4 addresses come from. */
export const OVERLAY_IPV4_PREFIX = '100.64.0.0/10'

/** How many IPv4 candidates a key has; a claim outside them is invalid. */
export const OVERLAY_IPV4_CANDIDATES = 16

const IPV6_PREFIX_BYTES = Uint8Array.from([0xfd, 0xab, 0xbf, 0x08, 0x7a, 0x36])
const IPV6_DOMAIN = 'pic-overlay-ipv6'
const IPV4_DOMAIN = 'pic-overlay-ipv4'

export interface OverlayAddresses {
  /** Overlay IPv6 address, without prefix length */
  ipv6: string
  /** Overlay IPv4 address, without prefix length */
  ipv4: string
}

function sha256 (...parts: Array<string | Uint8Array>): Uint8Array {
  const hash = createHash('sha256')
  for (const part of parts) {
    hash.update(part)
  }
  return hash.digest()
}

function formatIpv6 (bytes: Uint8Array): string {
  const groups: string[] = []
  for (let i = 0; i < 16; i += 2) {
    groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16))
  }

  // Compress the longest run of zero groups (RFC 5952 section 4.2) so the
  // text form is the canonical one that `ip` and `dig` print.
  let bestStart = -1
  let bestLength = 0
  for (let i = 0; i < 8;) {
    if (groups[i] !== '0') { i++; continue }
    let j = i
    while (j < 8 && groups[j] === '0') j++
    if (j - i > bestLength && j - i > 1) { bestStart = i; bestLength = j - i }
    i = j
  }
  if (bestStart < 0) {
    return groups.join(':')
  }
  const head = groups.slice(0, bestStart).join(':')
  const tail = groups.slice(bestStart + bestLength).join(':')
  return `${head}::${tail}`
}

/** The overlay IPv6 address of an Ed25519 public key (32 raw bytes). */
export function overlayIpv6 (publicKey: Uint8Array): string {
  const digest = sha256(IPV6_DOMAIN, publicKey)
  const bytes = new Uint8Array(16)
  bytes.set(IPV6_PREFIX_BYTES, 0)
  bytes.set(digest.subarray(0, 10), 6)
  return formatIpv6(bytes)
}

/**
 * The ordered IPv4 candidates of a key. Candidates whose last octet is 0 or
 * 255 are skipped because some stacks treat them as network or broadcast
 * addresses even inside a /10.
 */
export function overlayIpv4Candidates (publicKey: Uint8Array, count = OVERLAY_IPV4_CANDIDATES): string[] {
  const candidates: string[] = []
  for (let attempt = 0; candidates.length < count && attempt < count * 4; attempt++) {
    const digest = sha256(IPV4_DOMAIN, publicKey, Uint8Array.of(attempt))
    const host = ((digest[0] << 16) | (digest[1] << 8) | digest[2]) & 0x3fffff
    const last = host & 0xff
    if (last === 0 || last === 255) {
      continue
    }
    const value = (100 << 24 >>> 0) + (64 << 16) + host
    const address = [value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff].join('.')
    if (!candidates.includes(address)) {
      candidates.push(address)
    }
  }
  return candidates
}

/**
 * Pick the IPv4 address this key should claim: its first candidate that no
 * other known cell holds. `taken` maps claimed addresses to the cell id
 * holding them; a holder that sorts after `cellId` does not block us,
 * because the collision rule gives the address to the lower id.
 */
export function chooseOverlayIpv4 (publicKey: Uint8Array, cellId: string, taken: ReadonlyMap<string, string> = new Map()): string {
  const candidates = overlayIpv4Candidates(publicKey)
  for (const candidate of candidates) {
    const holder = taken.get(candidate)
    if (holder == null || holder === cellId || cellId < holder) {
      return candidate
    }
  }
  // Sixteen consecutive collisions are astronomically unlikely below
  // millions of cells; fall back to the first candidate rather than fail.
  return candidates[0]
}

/** The addresses a key claims when it knows of no collision. */
export function deriveOverlayAddresses (publicKey: Uint8Array): OverlayAddresses {
  return { ipv6: overlayIpv6(publicKey), ipv4: overlayIpv4Candidates(publicKey)[0] }
}

/** Whether `claim` is an address this key may legitimately announce. */
export function isValidOverlayClaim (publicKey: Uint8Array, claim: OverlayAddresses): boolean {
  return claim.ipv6 === overlayIpv6(publicKey) && overlayIpv4Candidates(publicKey).includes(claim.ipv4)
}
