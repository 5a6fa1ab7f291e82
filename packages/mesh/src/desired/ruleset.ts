/**
 * The rule set behind the cell's nftables table: who may send what over the
 * overlay. Default policy: overlay traffic is accepted only from cells
 * trusted for 'mesh', each service port only from cells trusted for its
 * scope, and traffic is forwarded from the overlay only for cells trusted
 * for 'route'.
 */
import { createHash } from 'node:crypto'
import { cidrFamily, isDefaultRoute } from '../net/cidr.ts'
import { SCOPE_ROUTE } from '../constants.ts'
import { hasScope } from './scopes.ts'
import type { ServicePorts } from '../constants.ts'
import type { RoutingConfig } from '../validation/schemas.ts'
import type { MeshPeerInput, PeerState, RuleSet, ServiceAccess, SourceSet } from '../types.ts'

export interface RuleSetInput {
  interfaceName: string
  /** Mesh peers in cell id order, parallel data to `peerStates` by cell id */
  peers: readonly MeshPeerInput[]
  peerStates: readonly PeerState[]
  /** The overlay /32 and /128 each cell holds */
  overlayHosts: ReadonlyMap<string, readonly string[]>
  routers: ReadonlySet<string>
  services: readonly ServicePorts[]
  routing: RoutingConfig
}

function sourceSet (prefixes: Iterable<string>): SourceSet {
  const ipv4 = new Set<string>()
  const ipv6 = new Set<string>()
  for (const prefix of prefixes) {
    if (!isDefaultRoute(prefix)) {
      (cidrFamily(prefix) === 4 ? ipv4 : ipv6).add(prefix)
    }
  }
  return { ipv4: [...ipv4].sort(), ipv6: [...ipv6].sort() }
}

export function buildRuleSet (input: RuleSetInput): RuleSet {
  const stateByCell = new Map(input.peerStates.map((state) => [state.cellId, state]))
  const allowedOf = (cellIds: Iterable<string>): string[] => [...cellIds].flatMap((id) => stateByCell.get(id)?.allowedIps ?? [])

  // One entry per scope and protocol; ports of the same pair are merged.
  const services = new Map<string, ServiceAccess>()
  for (const entry of input.services) {
    const key = `${entry.scope}/${entry.protocol}`
    const previous = services.get(key)
    const ports = [...new Set([...(previous?.ports ?? []), ...entry.ports])].sort((a, b) => a - b)
    const trusted = input.peers.filter((peer) => hasScope(peer, entry.scope))
    const sources = sourceSet(trusted.flatMap((peer) => input.overlayHosts.get(peer.cellId) ?? []))
    services.set(key, { scope: entry.scope, protocol: entry.protocol, ports, sources })
  }

  const routers = input.peers.filter((peer) => hasScope(peer, SCOPE_ROUTE) && input.routers.has(peer.cellId))
  return {
    interfaceName: input.interfaceName,
    meshSources: sourceSet(allowedOf(input.peers.map((peer) => peer.cellId))),
    forwardSources: sourceSet(allowedOf(routers.map((peer) => peer.cellId))),
    services: [...services.values()].sort((a, b) => a.scope < b.scope ? -1 : a.scope > b.scope ? 1 : a.protocol < b.protocol ? -1 : 1),
    firewall: input.routing.firewall,
    nat: input.routing.nat,
    bridges: input.routing.bridgeRoutes
  }
}

/** SHA-256 over the canonical JSON of a rule set; equal digests, equal tables. */
export function rulesetDigest (ruleset: RuleSet): string {
  return createHash('sha256').update(JSON.stringify(ruleset)).digest('hex')
}
