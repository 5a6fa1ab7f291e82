/**
 * Sybil numbers from the trust metric alone: TrustEngine views of sampled
 * honest viewers over the honest graph plus the attack, with every record
 * known to every viewer (the attacker's best case: the store's horizon and
 * quarantine can only hide records from a viewer, never add trust). Ids
 * are plain strings, as the engine takes verified attestations and never
 * parses them, so 10,000 Sybils cost no signatures.
 */
import { TrustEngine } from '@cell/trust'
import { ATTESTATION_LIFETIME } from '../constants.ts'
import { aprioriBound, buildAttack, layeredBound } from './sybil-attack.ts'
import type { Edge } from '../core/initial-state.ts'
import type { Random } from '../core/random.ts'
import type { SybilPoint } from './types.ts'
import type { Attestation } from '@cell/trust'

export interface ViewerOutcome {
  viewer: number
  trustedSybils: number
  layeredBound: number
  aprioriBound: number
  /** Honest cells trusted without the attack but not with it */
  wronglyRejected: number
  baselineHonest: number
}

function toAttestations (edges: Edge[], idOf: (index: number) => string, now: number): Attestation[] {
  return edges.map((edge, seq) => ({
    issuer: idOf(edge.issuer),
    subject: idOf(edge.subject),
    level: edge.level,
    scopes: ['*'],
    maxDepth: edge.maxDepth,
    seq: seq + 1,
    notBefore: now - 1000,
    notAfter: now + ATTESTATION_LIFETIME
  }))
}

function engineOf (self: string, ...lists: Attestation[][]): TrustEngine {
  const engine = new TrustEngine({ selfId: self })
  for (const list of lists) for (const attestation of list) engine.upsert(attestation)
  return engine
}

export interface MetricRunInit {
  honest: number
  honestEdges: Edge[]
  sybils: number
  k: number
  maxDepth: number
  viewers: number[]
  random: Random
}

export function runMetric (init: MetricRunInit): ViewerOutcome[] {
  const now = Date.now()
  const { honest, k } = init
  const shape = { honest, firstEntry: honest, k, firstSybil: honest + k, sybils: init.sybils }
  const attack = buildAttack(shape, init.maxDepth, init.random)
  const idOf = (i: number): string => i < honest ? `honest-${i}` : i < honest + k ? `entry-${i - honest}` : `sybil-${i - honest - k}`
  const honestAttestations = toAttestations(init.honestEdges, idOf, now)
  const attackAttestations = toAttestations(attack.edges, idOf, now)
  const entryIds = Array.from({ length: k }, (_, i) => idOf(honest + i))
  const isAttacker = (id: string): boolean => !id.startsWith('honest-')

  const viewers = [...new Set([...attack.makers, ...init.viewers])]
  return viewers.map(viewer => {
    const self = idOf(viewer)
    const attacked = engineOf(self, honestAttestations, attackAttestations).view('mesh', now)
    const baseline = engineOf(self, honestAttestations).view('mesh', now)
    const lost = [...baseline.entries.keys()].filter(id => !attacked.has(id)).length
    return {
      viewer,
      trustedSybils: [...attacked.entries.keys()].filter(isAttacker).length,
      layeredBound: layeredBound(attacked, entryIds),
      aprioriBound: aprioriBound(viewer, attack.makers),
      wronglyRejected: lost,
      baselineHonest: baseline.entries.size
    }
  })
}

export function summarisePoint (k: number, outcomes: ViewerOutcome[]): SybilPoint {
  const trusted = outcomes.map(o => o.trustedSybils)
  const lost = outcomes.reduce((sum, o) => sum + o.wronglyRejected, 0)
  const base = outcomes.reduce((sum, o) => sum + o.baselineHonest, 0)
  return {
    attackEdges: k,
    maxTrusted: Math.max(0, ...trusted),
    meanTrusted: trusted.reduce((a, b) => a + b, 0) / Math.max(1, trusted.length),
    bound: 16 * k,
    wronglyRejected: base === 0 ? 0 : lost / base
  }
}
