/**
 * The desired mesh state: a pure function of the local cell, the peers the
 * trust view hands over, and the routing configuration. No I/O, no clock,
 * so every decision can be tested and replayed.
 *
 * Addressing: the interface carries the cell's overlay IPv4 as a /10 and its
 * IPv6 as a /48, so the kernel routes the whole overlay range to it with one
 * connected route each; WireGuard's cryptokey routing then picks the peer
 * from the /32 and /128 in each peer's allowed IPs. This keeps the route
 * table constant in size however many cells join.
 */
import { OVERLAY_IPV4_PREFIX, OVERLAY_IPV6_PREFIX } from '@cell/trust'
import {
  DEFAULT_INTERFACE_NAME, DEFAULT_LISTEN_PORT, DEFAULT_SERVICE_PORTS, MAX_ADVERTISED_PREFIXES, MAX_ENDPOINTS,
  OVERLAY_IPV4_PREFIX_LENGTH, OVERLAY_IPV6_PREFIX_LENGTH, PERSISTENT_KEEPALIVE_SECONDS, SCOPE_MESH, SCOPE_ROUTE
} from '../constants.ts'
import { MeshConfigError } from '../errors.ts'
import { canonicalCidr, canonicalIp, cidrsOverlap, tryCanonicalCidr } from '../net/cidr.ts'
import { firstUsableEndpoint, parseEndpoint } from '../net/endpoint.ts'
import { isWireguardKey } from '../net/keys.ts'
import { parseRoutingBody } from '../validation/parse.ts'
import { interfaceNameSchema } from '../validation/primitives.ts'
import { routingConfigSchema } from '../validation/schemas.ts'
import { ClaimTable } from './claims.ts'
import { buildRuleSet, rulesetDigest } from './ruleset.ts'
import { hasScope } from './scopes.ts'
import type { DesiredState, DesiredStateInput, InterfaceState, MeshPeerInput, MeshSelfInput, MeshWarning, PeerState, RouteState } from '../types.ts'

function overlayAddress (address: string, range: string, field: string): string {
  const canonical = canonicalIp(address)
  if (canonical == null || !cidrsOverlap(range, canonicalCidr(canonical))) {
    throw new MeshConfigError(`${field} must be an address inside ${range}`)
  }
  return canonical
}

function interfaceState (self: MeshSelfInput): InterfaceState {
  const name = self.interfaceName ?? DEFAULT_INTERFACE_NAME
  if (!interfaceNameSchema.safeParse(name).success) {
    throw new MeshConfigError(`self.interfaceName is not a valid Linux interface name: ${name.slice(0, 32)}`)
  }
  const listenPort = self.listenPort ?? DEFAULT_LISTEN_PORT
  if (!Number.isInteger(listenPort) || listenPort < 1 || listenPort > 65535) {
    throw new MeshConfigError('self.listenPort must be 1-65535')
  }
  const privateKeyPath = self.privateKeyPath ?? null
  if (privateKeyPath != null && (!privateKeyPath.startsWith('/') || privateKeyPath.includes('\0'))) {
    throw new MeshConfigError('self.privateKeyPath must be an absolute path')
  }
  const ipv4 = overlayAddress(self.overlay.ipv4, OVERLAY_IPV4_PREFIX, 'self.overlay.ipv4')
  const ipv6 = overlayAddress(self.overlay.ipv6, OVERLAY_IPV6_PREFIX, 'self.overlay.ipv6')
  return {
    name,
    listenPort,
    privateKeyPath,
    addresses: [`${ipv4}/${OVERLAY_IPV4_PREFIX_LENGTH}`, `${ipv6}/${OVERLAY_IPV6_PREFIX_LENGTH}`]
  }
}

/** The mesh peers, valid and unique by key, in cell id order. */
function meshPeers (peers: readonly MeshPeerInput[], warnings: MeshWarning[]): MeshPeerInput[] {
  const byKey = new Map<string, MeshPeerInput>()
  const sorted = peers.filter((peer) => hasScope(peer, SCOPE_MESH))
    .sort((a, b) => a.cellId < b.cellId ? -1 : a.cellId > b.cellId ? 1 : 0)
  for (const peer of sorted) {
    if (!isWireguardKey(peer.wgPublicKey)) {
      warnings.push({ cellId: peer.cellId, reason: 'WireGuard public key is malformed' })
    } else if (byKey.has(peer.wgPublicKey)) {
      warnings.push({ cellId: peer.cellId, reason: `WireGuard key already used by ${byKey.get(peer.wgPublicKey)?.cellId}` })
    } else {
      byKey.set(peer.wgPublicKey, peer)
    }
  }
  return [...byKey.values()]
}

function sortRoutes (routes: RouteState[]): RouteState[] {
  return routes.sort((a, b) => a.table < b.table ? -1 : a.table > b.table ? 1 : a.destination < b.destination ? -1 : a.destination > b.destination ? 1 : 0)
}

/** Compute the state the mesh should be in. Throws only for bad local config. */
export function desiredMeshState (input: DesiredStateInput): DesiredState {
  const iface = interfaceState(input.self)
  const routing = parseRoutingBody(routingConfigSchema, input.routing ?? {})
  const warnings: MeshWarning[] = []
  const claims = new ClaimTable()
  const peers = meshPeers(input.peers, warnings)
  const allowed = new Map<string, Set<string>>(peers.map((peer) => [peer.cellId, new Set<string>()]))
  const routes: RouteState[] = []
  const endpoints = new Map<string, string | null>()
  const overlayHosts = new Map<string, string[]>()

  // 1. The cell's own addresses, then each peer's overlay host prefixes.
  claims.claimOverlay('self', canonicalCidr(iface.addresses[0].split('/')[0]))
  claims.claimOverlay('self', canonicalCidr(iface.addresses[1].split('/')[0]))
  for (const peer of peers) {
    for (const [address, range] of [[peer.overlay.ipv4, OVERLAY_IPV4_PREFIX], [peer.overlay.ipv6, OVERLAY_IPV6_PREFIX]]) {
      const host = tryCanonicalCidr(address)
      if (host == null || !cidrsOverlap(range, host)) {
        warnings.push({ cellId: peer.cellId, reason: `overlay address ${String(address).slice(0, 64)} is outside ${range}` })
      } else if (claims.claimOverlay(peer.cellId, host)) {
        allowed.get(peer.cellId)?.add(host)
        overlayHosts.set(peer.cellId, [...(overlayHosts.get(peer.cellId) ?? []), host])
      }
    }
    const endpoint = firstUsableEndpoint(peer.endpoints, MAX_ENDPOINTS)
    endpoints.set(peer.cellId, endpoint)
    const parsed = endpoint == null ? null : parseEndpoint(endpoint)
    if (parsed != null && parsed.family !== 0) {
      claims.addEndpointAddress(peer.cellId, parsed.host)
    }
  }

  // 2. Routes the local configuration asks for, through cells trusted to route.
  const routers = new Set(peers.filter((peer) => hasScope(peer, SCOPE_ROUTE)).map((peer) => peer.cellId))
  const routeVia = (cellId: string, prefix: string, table: RouteState['table'], allowDefault = false): void => {
    if (!routers.has(cellId)) {
      warnings.push({ cellId, prefix, reason: 'cell is not trusted for mesh and route' })
    } else if (claims.claimRoute(cellId, prefix, allowDefault)) {
      allowed.get(cellId)?.add(prefix)
      routes.push({ destination: prefix, table })
    }
  }
  if (routing.exitNode != null) {
    routeVia(routing.exitNode, '0.0.0.0/0', 'cell', true)
    routeVia(routing.exitNode, '::/0', 'cell', true)
  }
  for (const split of routing.splitRoutes) {
    split.prefixes.forEach((prefix) => routeVia(split.via, prefix, 'cell'))
  }
  for (const peerRoute of routing.peerRoutes) {
    peerRoute.prefixes.forEach((prefix) => routeVia(peerRoute.peer, prefix, 'main'))
  }

  // 3. What routers advertise, bounded per peer.
  for (const peer of peers) {
    if (!routers.has(peer.cellId)) {
      continue
    }
    for (const text of peer.advertisedPrefixes.slice(0, MAX_ADVERTISED_PREFIXES)) {
      const prefix = tryCanonicalCidr(text)
      if (prefix == null || !String(text).includes('/')) {
        warnings.push({ cellId: peer.cellId, reason: `advertised prefix ${String(text).slice(0, 64)} is malformed` })
      } else {
        routeVia(peer.cellId, prefix, 'main')
      }
    }
  }

  const peerStates: PeerState[] = peers.map((peer) => ({
    publicKey: peer.wgPublicKey,
    cellId: peer.cellId,
    endpoint: endpoints.get(peer.cellId) ?? null,
    allowedIps: [...(allowed.get(peer.cellId) ?? [])].sort(),
    persistentKeepalive: PERSISTENT_KEEPALIVE_SECONDS
  })).sort((a, b) => a.publicKey < b.publicKey ? -1 : 1)

  const ruleset = buildRuleSet({
    interfaceName: iface.name,
    peers,
    peerStates,
    overlayHosts,
    routers,
    services: routing.services ?? DEFAULT_SERVICE_PORTS,
    routing
  })
  sortRoutes(routes)
  return {
    interface: iface,
    peers: peerStates,
    routes,
    policyRouting: routes.some((route) => route.table === 'cell'),
    forwarding: routing.forwarding ?? (routing.bridgeRoutes.length > 0 || routing.nat.length > 0),
    ruleset,
    rulesetDigest: rulesetDigest(ruleset),
    advertisedPrefixes: [...new Set(routing.bridgeRoutes.flatMap((bridge) => bridge.prefixes))].sort(),
    warnings: [...warnings, ...claims.warnings]
  }
}
