/**
 * The layering of the trust graph for one scope at one time: which edges
 * are live, how far each cell may still vouch onward (its depth budget) and
 * its distance from this cell. Capacities follow from the distance.
 *
 * Depth budget (the exact meaning of `maxDepth`): this cell starts with
 * MAX_TRUST_DEPTH. Following a live edge X -> Y gives Y the budget
 * min(budget(X) - 1, maxDepth of X's attestation of Y); Y keeps the best
 * budget over all its incoming chains. Y vouches onward (its attestations
 * carry flow) only if its budget is at least 1. So maxDepth 0 trusts the
 * subject alone, 1 also the cells the subject trusts, and so on, and no
 * chain is ever longer than MAX_TRUST_DEPTH hops.
 *
 * Distance: shortest path from this cell over live edges leaving cells that
 * may vouch, where a full attestation is one step and a marginal one two.
 * Cells further than MAX_TRUST_DEPTH are not reached.
 */
import { MARGINAL_EDGE_LENGTH, FULL_EDGE_LENGTH, MAX_TRUST_DEPTH } from '../constants.ts'
import { WILDCARD_BIT, scopeBit } from './graph.ts'
import type { AttestationGraph, Edge } from './graph.ts'
import type { Scope } from '../records/types.ts'

export const UNREACHED = 255

export type EdgeState =
  | 'live' | 'revoked' | 'subject-blocked' | 'out-of-scope' | 'not-yet-valid' | 'expired' | 'issuer-key-retired' | 'subject-key-retired'

export interface Layering {
  self: number
  scope: Scope
  now: number
  mask: number
  /** Per node: depth budget, -1 if no vouching chain reaches it */
  budget: Int8Array
  /** Per node: distance, UNREACHED if further than MAX_TRUST_DEPTH */
  distance: Uint8Array
}

export function edgeLength (edge: Edge): number {
  return edge.level === 'full' ? FULL_EDGE_LENGTH : MARGINAL_EDGE_LENGTH
}

/** Why an edge does or does not count in a view of `scope` at `now`. */
export function edgeState (graph: AttestationGraph, edge: Edge, mask: number, now: number): EdgeState {
  if (edge.level === 'none') return 'revoked'
  // This cell's own block outweighs every voucher, so no chain of others
  // keeps a cell the user has refused (a stolen device, say).
  if (graph.blocked.size > 0 && graph.blocked.has(edge.to)) return 'subject-blocked'
  if ((edge.mask & mask) === 0) return 'out-of-scope'

  // A retired key's later signatures are void; a compromised key's
  // signatures are all void once the compromise is in effect, because
  // the thief can backdate.
  const issuer = graph.notices.get(edge.from)
  if (issuer != null && (edge.notBefore > issuer.effectiveAt || (issuer.kind === 'compromised' && now >= issuer.effectiveAt))) {
    return 'issuer-key-retired'
  }
  const subject = graph.notices.get(edge.to)
  if (subject != null && now >= subject.effectiveAt) {
    return 'subject-key-retired'
  }
  if (now < edge.notBefore) return 'not-yet-valid'
  if (now > edge.notAfter) return 'expired'
  return 'live'
}

export function isLive (graph: AttestationGraph, edge: Edge, mask: number, now: number): boolean {
  return edgeState(graph, edge, mask, now) === 'live'
}

/** Whether verified cells count: not when blocked, nor when their own key is retired. */
export function verifiedUsable (graph: AttestationGraph, node: number, now: number): boolean {
  if (graph.blocked.has(node)) return false
  const notice = graph.notices.get(node)
  return notice == null || now < notice.effectiveAt
}

export function viewMask (scope: Scope): number {
  return scopeBit(scope) | WILDCARD_BIT
}

/** May `node` vouch onward in this layering? */
export function vouches (layering: Layering, node: number): boolean {
  return node === layering.self || layering.budget[node] >= 1
}

export function computeLayering (graph: AttestationGraph, self: number, scope: Scope, now: number): Layering {
  const n = graph.ids.length
  const mask = scope === '*' ? WILDCARD_BIT : viewMask(scope)
  const budget = new Int8Array(n).fill(-1)
  const distance = new Uint8Array(n).fill(UNREACHED)
  const layering: Layering = { self, scope, now, mask, budget, distance }

  // Budgets: a bucket queue from the highest budget down (a widest-path
  // search; budgets only shrink along a chain, so each bucket is final).
  const buckets: number[][] = Array.from({ length: MAX_TRUST_DEPTH + 1 }, () => [])
  budget[self] = MAX_TRUST_DEPTH
  buckets[MAX_TRUST_DEPTH].push(self)
  for (const v of graph.verified) {
    if (v !== self && verifiedUsable(graph, v, now) && budget[v] < 0) {
      budget[v] = 0
      buckets[0].push(v)
    }
  }
  for (let b = MAX_TRUST_DEPTH; b >= 1; b--) {
    for (const x of buckets[b]) {
      if (budget[x] !== b) continue
      for (const edge of graph.out[x].values()) {
        const next = Math.min(b - 1, edge.maxDepth)
        if (next > budget[edge.to] && edge.to !== self && isLive(graph, edge, mask, now)) {
          budget[edge.to] = next
          buckets[next].push(edge.to)
        }
      }
    }
  }

  // Distances: the same bucket idea with edge lengths 1 and 2.
  const rings: number[][] = Array.from({ length: MAX_TRUST_DEPTH + 1 }, () => [])
  distance[self] = 0
  rings[0].push(self)
  for (const v of graph.verified) {
    if (v !== self && verifiedUsable(graph, v, now)) {
      distance[v] = FULL_EDGE_LENGTH
      rings[FULL_EDGE_LENGTH].push(v)
    }
  }
  for (let d = 0; d < MAX_TRUST_DEPTH; d++) {
    for (const x of rings[d]) {
      if (distance[x] !== d || !vouches(layering, x)) continue
      for (const edge of graph.out[x].values()) {
        const next = d + edgeLength(edge)
        if (next <= MAX_TRUST_DEPTH && next < distance[edge.to] && isLive(graph, edge, mask, now)) {
          distance[edge.to] = next
          rings[next].push(edge.to)
        }
      }
    }
  }
  return layering
}

/** Grow the per-node arrays for cells interned after the layering was computed. */
export function ensureCapacity (layering: Layering, size: number): void {
  if (layering.budget.length >= size) {
    return
  }
  const budget = new Int8Array(size).fill(-1)
  budget.set(layering.budget)
  const distance = new Uint8Array(size).fill(UNREACHED)
  distance.set(layering.distance)
  layering.budget = budget
  layering.distance = distance
}

/**
 * Recompute one node's budget and distance from its current incoming edges
 * and the stored values of their issuers. If they equal the stored values
 * for every node whose incoming edges changed, the stored layering is still
 * the true one (both are unique solutions of these local equations).
 */
export function localLayeringHolds (graph: AttestationGraph, layering: Layering, node: number): boolean {
  if (node === layering.self) {
    return true
  }
  ensureCapacity(layering, graph.ids.length)
  const { mask, now, budget, distance } = layering
  const verified = graph.verified.has(node) && verifiedUsable(graph, node, now)
  let bestBudget = verified ? 0 : -1
  let bestDistance = verified ? FULL_EDGE_LENGTH : UNREACHED
  for (const edge of graph.in[node].values()) {
    const from = edge.from
    if (!isLive(graph, edge, mask, now)) continue
    if (budget[from] >= 1) {
      bestBudget = Math.max(bestBudget, Math.min(budget[from] - 1, edge.maxDepth))
    }
    if (distance[from] !== UNREACHED && vouches(layering, from)) {
      const d = distance[from] + edgeLength(edge)
      if (d <= MAX_TRUST_DEPTH && d < bestDistance) bestDistance = d
    }
  }
  return bestBudget === budget[node] && bestDistance === distance[node]
}
