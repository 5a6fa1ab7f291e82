/**
 * Who owns which allowed IP. WireGuard's cryptokey routing gives each prefix
 * to exactly one peer (the WireGuard paper, section 2), so when two sources
 * want the same prefix the first claim wins and the later one is reported.
 * Callers claim in priority order: overlay addresses, then the local
 * routing configuration, then advertisements.
 */
import { IpNet } from '@chainsafe/netmask'
import { OVERLAY_IPV4_PREFIX, OVERLAY_IPV6_PREFIX } from '@cell/trust'
import { cidrFamily, cidrsOverlap } from '../net/cidr.ts'
import type { MeshWarning } from '../types.ts'

const OVERLAY_RANGES = [OVERLAY_IPV4_PREFIX, OVERLAY_IPV6_PREFIX]

export class ClaimTable {
  private readonly owners = new Map<string, string>()
  private readonly endpointNets: Array<{ family: 4 | 6, bytes: Uint8Array, cellId: string }> = []
  readonly warnings: MeshWarning[] = []

  /** Remember a peer's endpoint address so no routed prefix may swallow it. */
  addEndpointAddress (cellId: string, address: string): void {
    const family = cidrFamily(address)
    const bytes = new IpNet(`${address}/${family === 4 ? 32 : 128}`).network
    this.endpointNets.push({ family, bytes, cellId })
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
    const isDefault = prefix.endsWith('/0')
    if (isDefault && !allowDefault) {
      this.warnings.push({ cellId, prefix, reason: 'default routes are only taken from the exit node' })
      return false
    }
    if (!isDefault && OVERLAY_RANGES.some((range) => cidrsOverlap(range, prefix))) {
      this.warnings.push({ cellId, prefix, reason: 'prefix overlaps the overlay address range' })
      return false
    }
    if (!isDefault) {
      const net = new IpNet(prefix)
      const family = cidrFamily(prefix)
      const swallowed = this.endpointNets.find((endpoint) => endpoint.family === family && net.contains(endpoint.bytes))
      if (swallowed != null) {
        this.warnings.push({ cellId, prefix, reason: `prefix contains the underlay endpoint of ${swallowed.cellId}` })
        return false
      }
    }
    return this.take(cellId, prefix)
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
