/**
 * Who owns which allowed IP. WireGuard's cryptokey routing gives each prefix
 * to exactly one peer (the WireGuard paper, section 2), so when two sources
 * want the same prefix the first claim wins and the later one is reported.
 * Callers claim in priority order: overlay addresses, then the local
 * routing configuration, then advertisements.
 */
import { IpNet } from '@chainsafe/netmask'
import { OVERLAY_IPV4_PREFIX, OVERLAY_IPV6_PREFIX } from '@cell/trust'
import { cidrFamily, cidrLength, cidrsOverlap, ipv4ToNumber } from '../net/cidr.ts'
import type { MeshWarning } from '../types.ts'

const OVERLAY_RANGES = [OVERLAY_IPV4_PREFIX, OVERLAY_IPV6_PREFIX]

interface Endpoint4 { value: number, cellId: string }
interface Endpoint6 { bytes: Uint8Array, cellId: string }

export class ClaimTable {
  private readonly owners = new Map<string, string>()
  private readonly endpoints4: Endpoint4[] = []
  private readonly endpoints6: Endpoint6[] = []
  private sorted = true
  readonly warnings: MeshWarning[] = []

  /** Remember a peer's endpoint address so no routed prefix may swallow it. */
  addEndpointAddress (cellId: string, address: string): void {
    if (cidrFamily(address) === 4) {
      this.endpoints4.push({ value: ipv4ToNumber(address), cellId })
      this.sorted = false
    } else {
      this.endpoints6.push({ bytes: new IpNet(`${address}/128`).network, cellId })
    }
  }

  /** Claim an overlay host prefix; refused only when already taken. */
  claimOverlay (cellId: string, prefix: string): boolean {
    return this.take(cellId, prefix)
  }

  /**
   * Claim a routed prefix. Refused when it overlaps the overlay ranges
   * (a peer must not capture another cell's overlay address), when it would
   * route a peer's own underlay endpoint into the tunnel (a loop), or when
   * another cell holds it already.
   */
  claimRoute (cellId: string, prefix: string, allowDefault = false): boolean {
    const isDefault = cidrLength(prefix) === 0
    if (isDefault && !allowDefault) {
      this.warnings.push({ cellId, prefix, reason: 'default routes are only taken from the exit node' })
      return false
    }
    if (!isDefault && OVERLAY_RANGES.some((range) => cidrsOverlap(range, prefix))) {
      this.warnings.push({ cellId, prefix, reason: 'prefix overlaps the overlay address range' })
      return false
    }
    const swallowed = isDefault ? null : this.endpointInside(prefix)
    if (swallowed != null) {
      this.warnings.push({ cellId, prefix, reason: `prefix contains the underlay endpoint of ${swallowed}` })
      return false
    }
    return this.take(cellId, prefix)
  }

  /** The cell whose endpoint lies inside `prefix`, if any (binary search for IPv4). */
  private endpointInside (prefix: string): string | null {
    if (cidrFamily(prefix) === 6) {
      const net = new IpNet(prefix)
      return this.endpoints6.find((endpoint) => net.contains(endpoint.bytes))?.cellId ?? null
    }
    if (!this.sorted) {
      this.endpoints4.sort((a, b) => a.value - b.value)
      this.sorted = true
    }
    const length = cidrLength(prefix)
    const first = ipv4ToNumber(prefix.slice(0, prefix.indexOf('/')))
    const last = first + 2 ** (32 - length) - 1
    let low = 0
    let high = this.endpoints4.length
    while (low < high) {
      const mid = (low + high) >>> 1
      if (this.endpoints4[mid].value < first) low = mid + 1
      else high = mid
    }
    const candidate = this.endpoints4[low]
    return candidate != null && candidate.value <= last ? candidate.cellId : null
  }

  private take (cellId: string, prefix: string): boolean {
    const owner = this.owners.get(prefix)
    if (owner == null) {
      this.owners.set(prefix, cellId)
      return true
    }
    if (owner !== cellId) {
      this.warnings.push({ cellId, prefix, reason: `prefix already belongs to ${owner}` })
      return false
    }
    return true
  }
}
