/**
 * Routing rules and manual peers as lists in the `mesh` config section.
 * Each entry's id is a digest of its canonical form, so ids are stable
 * across restarts without being stored, and adding the same rule twice is
 * recognised as a duplicate.
 */
import { createHash } from 'node:crypto'
import { ConflictError, NotFoundError } from '../errors.ts'
import type { ManualPeer, MeshConfig } from './config-schema.ts'
import type { ConfigStore } from '../config/config-store.ts'
import type { RoutingConfig } from '@cell/mesh'

export type RoutingList = 'nat' | 'peerRoutes' | 'splitRoutes' | 'bridgeRoutes' | 'firewall'

/** JSON with object keys sorted, so equal rules have equal text. */
function canonicalJson (value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value != null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

export function ruleId (rule: unknown): string {
  return createHash('sha256').update(canonicalJson(rule)).digest('hex').slice(0, 12)
}

export function withIds<T extends object> (rules: readonly T[]): Array<T & { id: string }> {
  return rules.map(rule => ({ id: ruleId(rule), ...rule }))
}

function meshOf (config: ConfigStore): MeshConfig {
  return config.stored.mesh
}

export function listRules (config: ConfigStore, list: RoutingList): Array<RoutingConfig[RoutingList][number] & { id: string }> {
  return withIds<RoutingConfig[RoutingList][number]>(meshOf(config).routing[list])
}

/** Append a canonical (already validated) rule; a duplicate is a conflict. */
export async function addRule (config: ConfigStore, list: RoutingList, rule: RoutingConfig[RoutingList][number]): Promise<{ id: string }> {
  const current = meshOf(config).routing[list] as unknown[]
  const id = ruleId(rule)
  if (current.some(existing => ruleId(existing) === id)) throw new ConflictError(`The same ${list} entry already exists (id ${id})`)
  await config.update({ mesh: { routing: { [list]: [...current, rule] } } })
  return { id }
}

export async function removeRule (config: ConfigStore, list: RoutingList, id: string): Promise<void> {
  const current = meshOf(config).routing[list] as unknown[]
  const next = current.filter(existing => ruleId(existing) !== id)
  if (next.length === current.length) throw new NotFoundError(`No ${list} entry with id ${id}`)
  await config.update({ mesh: { routing: { [list]: next } } })
}

export async function setExitNode (config: ConfigStore, peer: string | null): Promise<void> {
  await config.update({ mesh: { routing: { exitNode: peer } } })
}

export function manualPeers (config: ConfigStore): readonly ManualPeer[] {
  return meshOf(config).manualPeers
}

export async function addManualPeer (config: ConfigStore, peer: ManualPeer): Promise<void> {
  const current = meshOf(config).manualPeers
  const clash = current.find(existing => existing.name === peer.name || existing.publicKey === peer.publicKey ||
    existing.ipv4 === peer.ipv4 || existing.ipv6 === peer.ipv6)
  if (clash != null) throw new ConflictError(`Manual peer "${clash.name}" already has this name, key or address`)
  await config.update({ mesh: { manualPeers: [...current, peer] } })
}

export async function removeManualPeer (config: ConfigStore, name: string): Promise<void> {
  const current = meshOf(config).manualPeers
  const next = current.filter(peer => peer.name !== name)
  if (next.length === current.length) throw new NotFoundError(`No manual peer named "${name}"`)
  await config.update({ mesh: { manualPeers: next } })
}
