/**
 * The WireGuard endpoints a cell announces in its peer record. Configured
 * endpoints win (a port forward on a home router, a DNS name); otherwise
 * they are derived from where the cell's libp2p node listens: each
 * specific listen address, or every usable interface address for an
 * unspecified one (`0.0.0.0`, `::`), with the WireGuard listen port.
 */
import { OVERLAY_IPV4_PREFIX, OVERLAY_IPV6_PREFIX } from '@cell/trust'
import { cidrsOverlap, formatEndpoint } from '@cell/mesh'
import { MAX_ANNOUNCED_ENDPOINTS } from './constants.ts'
import type { NetworkInterfaceInfo } from 'node:os'

export interface EndpointSource {
  /** `mesh.endpoints` from the config; used as they are when not empty */
  configured: readonly string[]
  /** The p2p listen multiaddrs from the config */
  listen: readonly string[]
  /** `os.networkInterfaces()` */
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>
  listenPort: number
  /** The cell's own WireGuard interface: its addresses are overlay, never underlay */
  meshInterface: string
}

const LISTEN_ADDRESS = /^\/(ip4|ip6)\/([^/]+)\//

/**
 * Addresses no other cell can reach us on: loopback, link-local (RFC 3927,
 * RFC 4291 section 2.5.6: they need a zone, which a peer record cannot
 * carry), and the overlay ranges (a tunnel cannot run through itself).
 */
function unusable (address: string, family: 4 | 6): boolean {
  if (family === 4) {
    return address.startsWith('127.') || address.startsWith('169.254.') || address === '0.0.0.0' ||
      cidrsOverlap(OVERLAY_IPV4_PREFIX, `${address}/32`)
  }
  const lower = address.toLowerCase()
  return lower === '::1' || lower === '::' || /^fe[89ab]/.test(lower) || cidrsOverlap(OVERLAY_IPV6_PREFIX, `${lower}/128`)
}

/** Every usable address of one family on the machine's interfaces, in interface order. */
function interfaceAddresses (source: EndpointSource, family: 4 | 6): string[] {
  const found: string[] = []
  for (const [name, infos] of Object.entries(source.interfaces)) {
    if (name === source.meshInterface || infos == null) continue
    for (const info of infos) {
      const infoFamily = info.family === 'IPv4' ? 4 : 6
      if (infoFamily === family && !info.internal && !unusable(info.address, family)) found.push(info.address)
    }
  }
  return found
}

/** The endpoints to announce, best first, at most eight (what a peer record holds). */
export function announcedEndpoints (source: EndpointSource): string[] {
  if (source.configured.length > 0) return source.configured.slice(0, MAX_ANNOUNCED_ENDPOINTS)

  const v4: string[] = []
  const v6: string[] = []
  for (const multiaddr of source.listen) {
    const match = LISTEN_ADDRESS.exec(multiaddr)
    if (match == null) continue
    const family = match[1] === 'ip4' ? 4 : 6
    const target = family === 4 ? v4 : v6
    if (match[2] === '0.0.0.0' || match[2] === '::') {
      target.push(...interfaceAddresses(source, family))
    } else if (!unusable(match[2], family)) {
      target.push(match[2])
    }
  }

  // IPv4 first: it is what most peers can reach; IPv6 follows.
  const endpoints = [
    ...v4.map(host => formatEndpoint({ host, port: source.listenPort, family: 4 })),
    ...v6.map(host => formatEndpoint({ host, port: source.listenPort, family: 6 }))
  ]
  return [...new Set(endpoints)].slice(0, MAX_ANNOUNCED_ENDPOINTS)
}

/** Local addresses (underlay, usable) currently on the machine, for change detection. */
export function localAddresses (interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>, meshInterface: string): string[] {
  const source = { interfaces, meshInterface } as EndpointSource
  return [...interfaceAddresses(source, 4), ...interfaceAddresses(source, 6)].sort()
}
