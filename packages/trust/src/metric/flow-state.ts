/**
 * The Advogato flow network of one view, built from a layering, and its
 * incremental update.
 *
 * Construction (Levien's Advogato metric): every reached cell v becomes
 * two nodes v_in and v_out; v_in -> sink has capacity 1 (v itself is
 * accepted by keeping one unit) and v_in -> v_out has capacity C(d(v)) - 1
 * (what v passes onward), with C from CAPACITY_BY_DISTANCE. Each live
 * attestation X -> Y from a cell that may vouch becomes X_out -> Y_in with
 * unbounded capacity, but only when it leads away from this cell
 * (d(Y) > d(X)): the network is layered, so every augmenting path is short
 * and flow never cycles. This cell is the source. A cell is trusted when
 * its v_in -> sink arc carries its unit.
 */
import { CAPACITY_BY_DISTANCE } from '../constants.ts'
import { FlowNetwork, INFINITE_CAPACITY } from './flow-network.ts'
import { UNREACHED, computeLayering, ensureCapacity, isLive, localLayeringHolds, verifiedUsable, vouches } from './layers.ts'
import type { AttestationGraph, Change } from './graph.ts'
import type { Layering } from './layers.ts'
import type { Scope } from '../records/types.ts'

export interface FlowState {
  layering: Layering
  network: FlowNetwork
  /** Graph node of each flow slot (reached cells, by distance then id) */
  nodes: number[]
  /** Flow slot of each graph node, -1 if not reached */
  slotOf: Int32Array
  /** Arc per (issuer, subject) cell edge, keyed by `edgeKey` */
  arcs: Map<number, number>
  /** Per slot: its in -> sink arc */
  sinkArc: Int32Array
  /** Graph version this state reflects */
  version: number
  /** The state holds for times in [now, validUntil) */
  validUntil: number
}

const SLOT_STRIDE = 2 ** 26

export function edgeKey (from: number, to: number): number {
  return from * SLOT_STRIDE + to
}

export function inNode (slot: number): number {
  return 2 + 2 * slot
}

export function outNode (slot: number): number {
  return 3 + 2 * slot
}

/** Flow node a cell's vouching leaves from: the source for this cell. */
function tailOf (state: FlowState, node: number): number {
  return node === state.layering.self ? state.network.source : outNode(state.slotOf[node])
}

/** Whether the cell edge from -> to should be an arc of the network now. */
function wanted (graph: AttestationGraph, state: FlowState, from: number, to: number): boolean {
  const { layering, slotOf } = state
  if (to >= slotOf.length || slotOf[to] < 0 || (from !== layering.self && (from >= slotOf.length || slotOf[from] < 0))) {
    return false
  }
  if (!vouches(layering, from) || layering.distance[to] <= layering.distance[from]) {
    return false
  }
  const edge = graph.out[from].get(to)
  if (edge != null && isLive(graph, edge, layering.mask, layering.now)) {
    return true
  }

  // This cell's verified set acts as direct edges (see TrustEngine).
  return from === layering.self && graph.verified.has(to) && verifiedUsable(graph, to, layering.now)
}

/** Earliest time after `now` at which an edge out of a reached cell or a notice changes state. */
function validityEnd (graph: AttestationGraph, layering: Layering, nodes: number[]): number {
  const { now } = layering
  let end = Number.POSITIVE_INFINITY
  for (const node of [layering.self, ...nodes]) {
    for (const edge of graph.out[node].values()) {
      if (edge.notBefore > now && edge.notBefore < end) end = edge.notBefore
      if (edge.notAfter >= now && edge.notAfter + 1 < end) end = edge.notAfter + 1
    }
  }
  for (const notice of graph.notices.values()) {
    if (notice.effectiveAt > now && notice.effectiveAt < end) end = notice.effectiveAt
  }
  return end
}

export function buildFlowState (graph: AttestationGraph, self: number, scope: Scope, now: number): FlowState {
  const layering = computeLayering(graph, self, scope, now)
  const { distance } = layering
  const nodes: number[] = []
  for (let i = 0; i < distance.length; i++) {
    if (i !== self && distance[i] !== UNREACHED) nodes.push(i)
  }
  nodes.sort((a, b) => distance[a] - distance[b] || (graph.ids[a] < graph.ids[b] ? -1 : 1))

  const slotOf = new Int32Array(graph.ids.length).fill(-1)
  nodes.forEach((node, slot) => { slotOf[node] = slot })
  const network = new FlowNetwork(2 + 2 * nodes.length, 8 * nodes.length + 16)
  const sinkArc = new Int32Array(nodes.length)
  const state: FlowState = {
    layering, network, nodes, slotOf, arcs: new Map(), sinkArc, version: graph.version, validUntil: validityEnd(graph, layering, nodes)
  }

  // Arcs are added in reverse order because the adjacency lists are LIFO:
  // Dinic then tries closer cells, and lower ids within a ring, first.
  for (let slot = nodes.length - 1; slot >= 0; slot--) {
    const capacity = CAPACITY_BY_DISTANCE[distance[nodes[slot]]]
    if (capacity > 1) {
      network.addArc(inNode(slot), outNode(slot), capacity - 1)
    }
    sinkArc[slot] = network.addArc(inNode(slot), network.sink, 1)
  }
  for (const from of [...nodes].reverse().concat(self)) {
    if (!vouches(layering, from)) continue
    const targets: number[] = []
    for (const to of graph.out[from].keys()) {
      if (wanted(graph, state, from, to)) targets.push(slotOf[to])
    }
    if (from === self) {
      for (const v of graph.verified) {
        if (!graph.out[self].has(v) && wanted(graph, state, self, v)) targets.push(slotOf[v])
      }
    }
    targets.sort((a, b) => b - a)
    for (const slot of targets) {
      state.arcs.set(edgeKey(from, nodes[slot]), network.addArc(tailOf(state, from), inNode(slot), INFINITE_CAPACITY))
    }
  }
  network.maxFlow()
  return state
}

/**
 * Bring a state up to date with edge changes without rebuilding it: if
 * every changed edge leaves the layering as it was, only arcs are added or
 * removed (cancelling their flow) and the flow is re-augmented. Returns
 * false when the layering changed and a full build is needed.
 */
export function updateFlowState (graph: AttestationGraph, state: FlowState, changes: Change[]): boolean {
  const { layering, network } = state
  for (const { to } of changes) {
    if (!localLayeringHolds(graph, layering, to)) {
      return false
    }
  }
  ensureCapacity(layering, graph.ids.length)

  for (const { from, to } of changes) {
    const key = edgeKey(from, to)
    const arc = state.arcs.get(key)
    const want = wanted(graph, state, from, to)
    if (want && arc === undefined) {
      state.arcs.set(key, network.addArc(tailOf(state, from), inNode(state.slotOf[to]), INFINITE_CAPACITY))
    } else if (!want && arc !== undefined) {
      network.removeArc(arc)
      state.arcs.delete(key)
    }

    const edge = graph.out[from].get(to)
    if (edge != null && (from === layering.self || (from < state.slotOf.length && state.slotOf[from] >= 0))) {
      if (edge.notBefore > layering.now) state.validUntil = Math.min(state.validUntil, edge.notBefore)
      if (edge.notAfter >= layering.now) state.validUntil = Math.min(state.validUntil, edge.notAfter + 1)
    }
  }
  network.maxFlow()
  state.version = graph.version
  return true
}
