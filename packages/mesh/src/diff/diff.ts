/**
 * The changes that take the current state to the desired one. Pure.
 *
 * Peers are matched by public key, so a key rotation shows up as the old
 * key removed and the new one added. Changes come in a fixed order:
 * removals first (a cell that lost trust is cut off before anything else
 * happens), then interface settings, additions and updates, and the rule
 * set last.
 */
import type { MeshChange, MeshState, PeerField, PeerState, RouteState } from '../types.ts'

function sameList (a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i])
}

function routeKey (route: RouteState): string {
  return `${route.table} ${route.destination}`
}

/**
 * Fields of a peer that differ. An endpoint is only pushed when the desired
 * state names one: WireGuard learns a roaming peer's new endpoint from its
 * authenticated packets (WireGuard paper, section 2.1), and that learned
 * endpoint must not be wiped because the peer record has none.
 */
export function peerFieldsChanged (current: PeerState, desired: PeerState): PeerField[] {
  const fields: PeerField[] = []
  if (desired.endpoint != null && desired.endpoint !== current.endpoint) {
    fields.push('endpoint')
  }
  if (!sameList(current.allowedIps, desired.allowedIps)) {
    fields.push('allowedIps')
  }
  if (current.persistentKeepalive !== desired.persistentKeepalive) {
    fields.push('persistentKeepalive')
  }
  return fields
}

/** The changes from `current` (null: nothing exists yet) to `desired`. */
export function diffMeshState (current: MeshState | null, desired: MeshState): MeshChange[] {
  const removals: MeshChange[] = []
  const settings: MeshChange[] = []
  const additions: MeshChange[] = []

  const currentPeers = new Map((current?.peers ?? []).map((peer) => [peer.publicKey, peer]))
  const desiredKeys = new Set(desired.peers.map((peer) => peer.publicKey))
  for (const peer of currentPeers.values()) {
    if (!desiredKeys.has(peer.publicKey)) {
      removals.push({ type: 'remove-peer', peer })
    }
  }

  const currentRoutes = new Map((current?.routes ?? []).map((route) => [routeKey(route), route]))
  const desiredRoutes = new Set(desired.routes.map(routeKey))
  for (const [key, route] of currentRoutes) {
    if (!desiredRoutes.has(key)) {
      removals.push({ type: 'remove-route', route })
    }
  }
  if ((current?.policyRouting ?? false) && !desired.policyRouting) {
    removals.push({ type: 'set-policy-routing', enabled: false })
  }

  const currentAddresses = new Set(current?.interface?.addresses ?? [])
  const desiredAddresses = new Set(desired.interface?.addresses ?? [])
  for (const address of currentAddresses) {
    if (!desiredAddresses.has(address)) {
      removals.push({ type: 'remove-address', address })
    }
  }
  const iface = desired.interface
  if (iface != null) {
    const now = current?.interface
    if (now == null || now.listenPort !== iface.listenPort || now.privateKeyPath !== iface.privateKeyPath) {
      settings.push({ type: 'configure-interface', interface: iface })
    }
    for (const address of iface.addresses) {
      if (!currentAddresses.has(address)) {
        settings.push({ type: 'add-address', address })
      }
    }
  }

  for (const peer of desired.peers) {
    const previous = currentPeers.get(peer.publicKey)
    if (previous == null) {
      additions.push({ type: 'add-peer', peer })
      continue
    }
    const fields = peerFieldsChanged(previous, peer)
    if (fields.length > 0) {
      additions.push({ type: 'update-peer', peer, previous, fields })
    }
  }
  for (const route of desired.routes) {
    if (!currentRoutes.has(routeKey(route))) {
      additions.push({ type: 'add-route', route })
    }
  }
  if (desired.policyRouting && !(current?.policyRouting ?? false)) {
    additions.push({ type: 'set-policy-routing', enabled: true })
  }
  if (desired.forwarding !== (current?.forwarding ?? false)) {
    additions.push({ type: 'set-forwarding', enabled: desired.forwarding })
  }
  if (desired.ruleset != null && desired.rulesetDigest != null && desired.rulesetDigest !== current?.rulesetDigest) {
    additions.push({ type: 'replace-ruleset', ruleset: desired.ruleset, digest: desired.rulesetDigest })
  }

  return [...removals, ...settings, ...additions]
}

/** Counts of changes by type, for logs. */
export function summarizeChanges (changes: readonly MeshChange[]): Record<string, number> {
  const summary: Record<string, number> = {}
  for (const change of changes) {
    summary[change.type] = (summary[change.type] ?? 0) + 1
  }
  return summary
}
