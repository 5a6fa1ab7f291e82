/**
 * The Sybil attack of the sybil scenario, as plain edges by index: k
 * honest cells each attest one attacker "entry" (the attack edges); every
 * Sybil attests SYBIL_DEGREE others at full with the deepest reach; the
 * entries attest Sybils and some honest cells to look like good citizens.
 * The same shape as packages/trust/test/metric/sybil-bound.spec.ts.
 */
import { CAPACITY_BY_DISTANCE } from '@cell/trust'
import { SYBIL_DEGREE } from '../constants.ts'
import type { Edge } from '../core/initial-state.ts'
import type { CellView } from '../core/network.ts'
import type { Random } from '../core/random.ts'

const DEEPEST = 4
const ENTRY_HONEST_EDGES = 5

export interface AttackShape {
  honest: number
  /** Index of the first entry; entries are `firstEntry .. firstEntry + k - 1` */
  firstEntry: number
  k: number
  /** Index of the first Sybil; Sybils are `firstSybil .. firstSybil + sybils - 1` */
  firstSybil: number
  sybils: number
}

export interface Attack {
  /** Honest cell making attack edge i (to entry firstEntry + i) */
  makers: number[]
  edges: Edge[]
}

export function buildAttack (shape: AttackShape, maxDepth: number, random: Random): Attack {
  const makers = random.sample(shape.honest, shape.k)
  const edges: Edge[] = makers.map((h, i) => ({ issuer: h, subject: shape.firstEntry + i, level: 'full', maxDepth }))
  const region = [...Array.from({ length: shape.k }, (_, i) => shape.firstEntry + i), ...Array.from({ length: shape.sybils }, (_, i) => shape.firstSybil + i)]
  for (const issuer of region) {
    const picked = new Set<number>()
    while (picked.size < Math.min(SYBIL_DEGREE, region.length - 1)) {
      const subject = random.pick(region)
      if (subject !== issuer) picked.add(subject)
    }
    for (const subject of picked) edges.push({ issuer, subject, level: 'full', maxDepth: DEEPEST })
  }
  for (let i = 0; i < shape.k; i++) {
    for (let j = 0; j < ENTRY_HONEST_EDGES; j++) {
      edges.push({ issuer: shape.firstEntry + i, subject: random.int(shape.honest), level: 'full', maxDepth: DEEPEST })
    }
  }
  return { makers, edges }
}

function capacity (distance: number | undefined): number {
  return distance == null ? 0 : CAPACITY_BY_DISTANCE[distance] ?? 0
}

/** The bound from this view's own layering: Σ over entries of C(d(entry)). */
export function layeredBound (view: CellView, entryIds: string[]): number {
  return entryIds.reduce((sum, id) => sum + capacity(view.explain(id).distance), 0)
}

/** The a-priori bound: C(1) for an attack edge the viewer made itself, C(2) for any other. */
export function aprioriBound (viewer: number, makers: number[]): number {
  return makers.reduce((sum, h) => sum + (h === viewer ? CAPACITY_BY_DISTANCE[1] : CAPACITY_BY_DISTANCE[2]), 0)
}
