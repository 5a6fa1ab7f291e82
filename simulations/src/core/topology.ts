/**
 * Undirected topologies over cells 0..n-1: which cells connect, and (in
 * the simulations) trust each other. Hand-written: the three classic
 * generators are a few lines each and no graph library is installed.
 *
 * - random-regular: every cell has `degree` neighbours (pairing model).
 * - small-world: Watts-Strogatz ring lattice with 10 % of edges rewired.
 * - scale-free: Barabási-Albert preferential attachment, degree/2 edges per new cell.
 *
 * Every generator returns a connected graph; stray components are joined
 * with one edge each, so a disconnected draw never fakes a delivery failure.
 */
import { TopologyError } from '../errors.ts'
import type { Random } from './random.ts'

export const TOPOLOGIES = ['random-regular', 'small-world', 'scale-free'] as const
export type TopologyKind = typeof TOPOLOGIES[number]

/** Adjacency sets, one per cell. */
export type Graph = Array<Set<number>>

const REWIRE_PROBABILITY = 0.1
const PAIRING_ATTEMPTS = 50

function empty (n: number): Graph {
  return Array.from({ length: n }, () => new Set<number>())
}

function link (graph: Graph, a: number, b: number): void {
  graph[a].add(b)
  graph[b].add(a)
}

function randomRegular (n: number, degree: number, random: Random): Graph {
  for (let attempt = 0; attempt < PAIRING_ATTEMPTS; attempt++) {
    const graph = empty(n)
    const stubs = random.shuffle(Array.from({ length: n * degree }, (_, i) => i % n))
    // Pair stubs greedily, skipping self loops and parallel edges; a few
    // unpaired stubs leave some cells one short, which is fine.
    const open: number[] = []
    for (const cell of stubs) {
      const partner = open.findIndex(other => other !== cell && !graph[cell].has(other))
      if (partner === -1) {
        open.push(cell)
      } else {
        link(graph, cell, open[partner])
        open.splice(partner, 1)
      }
    }
    if (open.length <= n / 10) return graph
  }
  throw new TopologyError(`cannot draw a ${degree}-regular graph on ${n} cells`)
}

function smallWorld (n: number, degree: number, random: Random): Graph {
  const graph = empty(n)
  const half = Math.max(1, Math.floor(degree / 2))
  for (let i = 0; i < n; i++) {
    for (let k = 1; k <= half; k++) {
      let j = (i + k) % n
      if (random.next() < REWIRE_PROBABILITY) {
        const candidate = random.int(n)
        if (candidate !== i && !graph[i].has(candidate)) j = candidate
      }
      if (j !== i) link(graph, i, j)
    }
  }
  return graph
}

function scaleFree (n: number, degree: number, random: Random): Graph {
  const graph = empty(n)
  const m = Math.max(1, Math.floor(degree / 2))
  // Endpoints of every edge so far: picking uniformly from it picks a
  // cell with probability proportional to its degree.
  const ends: number[] = []
  const seed = Math.min(n, m + 1)
  for (let i = 0; i < seed; i++) {
    for (let j = 0; j < i; j++) { link(graph, i, j); ends.push(i, j) }
  }
  for (let i = seed; i < n; i++) {
    const targets = new Set<number>()
    while (targets.size < Math.min(m, i)) targets.add(ends.length > 0 ? random.pick(ends) : random.int(i))
    for (const j of targets) { link(graph, i, j); ends.push(i, j) }
  }
  return graph
}

/** Join every component to the first with one random edge. */
function connect (graph: Graph, random: Random): void {
  const component = new Int32Array(graph.length).fill(-1)
  const roots: number[] = []
  for (let start = 0; start < graph.length; start++) {
    if (component[start] !== -1) continue
    roots.push(start)
    const stack = [start]
    component[start] = roots.length - 1
    while (stack.length > 0) {
      const cell = stack.pop() as number
      for (const next of graph[cell]) {
        if (component[next] === -1) { component[next] = component[start]; stack.push(next) }
      }
    }
  }
  for (const root of roots.slice(1)) link(graph, root, random.int(root))
}

export function buildTopology (kind: TopologyKind, n: number, degree: number, random: Random): Graph {
  if (n < 2) throw new TopologyError('a topology needs at least 2 cells')
  const d = Math.min(degree, n - 1)
  const graph = kind === 'random-regular' ? randomRegular(n, d, random) : kind === 'small-world' ? smallWorld(n, d, random) : scaleFree(n, d, random)
  connect(graph, random)
  return graph
}

/** Edges a < b, each once. */
export function edgesOf (graph: Graph): Array<[number, number]> {
  const out: Array<[number, number]> = []
  graph.forEach((neighbours, a) => { for (const b of neighbours) if (a < b) out.push([a, b]) })
  return out
}

/** Hop distances from `start` (breadth-first); -1 where unreachable. */
export function hops (graph: Graph, start: number): Int32Array {
  const distance = new Int32Array(graph.length).fill(-1)
  distance[start] = 0
  const queue = [start]
  for (let head = 0; head < queue.length; head++) {
    const cell = queue[head]
    for (const next of graph[cell]) {
      if (distance[next] === -1) { distance[next] = distance[cell] + 1; queue.push(next) }
    }
  }
  return distance
}
