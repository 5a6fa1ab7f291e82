/**
 * THE BOUND (docs/trust-model.md): Sybil identities behind attack edges
 * gain at most the capacity of the Sybil cells those edges enter:
 *   trusted Sybils <= sum over entry Sybils s of C(d(s)) <= sum over attack edges h -> s of C(d(h) + 1)
 * with C = 64, 16, 4, 1 for distance 1..4.
 */
import assert from 'node:assert/strict'
import { CAPACITY_BY_DISTANCE } from '../../src/constants.ts'
import { TrustEngine } from '../../src/metric/engine.ts'
import { T0, edge, prng, randomGraph } from '../fixtures/graphs.ts'
import type { Attestation } from '../../src/records/types.ts'

const NOW = T0 + 1000
const HONEST = 150
const HONEST_DEGREE = 5
const SYBILS = 1000
const SYBIL_DEGREE = 10

interface Attack {
  /** Honest cells that each attest one entry Sybil */
  attackers: string[]
  entries: string[]
  sybils: Set<string>
  attestations: Attestation[]
}

function buildAttack (honest: string[], k: number, random: () => number): Attack {
  const sybilIds = Array.from({ length: SYBILS }, (_, i) => `sybil${i}`)
  const attestations: Attestation[] = []
  const attackers = honest.slice(0, k)
  const entries = sybilIds.slice(0, k)
  attackers.forEach((h, i) => attestations.push(edge(h, entries[i])))

  // Every Sybil attests ten others at full with the deepest reach, and
  // the entries also attest honest cells to look like good citizens.
  for (const s of sybilIds) {
    const picked = new Set<number>()
    while (picked.size < SYBIL_DEGREE) {
      const j = Math.floor(random() * SYBILS)
      if (sybilIds[j] !== s) picked.add(j)
    }
    for (const j of picked) attestations.push(edge(s, sybilIds[j]))
  }
  for (const s of entries) {
    for (let i = 0; i < 20; i++) attestations.push(edge(s, honest[Math.floor(random() * honest.length)]))
  }
  return { attackers, entries, sybils: new Set(sybilIds), attestations }
}

function engineFor (self: string, ...graphs: Attestation[][]): TrustEngine {
  const engine = new TrustEngine({ selfId: self })
  for (const graph of graphs) for (const a of graph) engine.upsert(a)
  return engine
}

describe('metric/sybil bound', () => {
  for (const k of [1, 3]) {
    it(`keeps Sybils behind ${k} attack edge(s) within the Advogato bound`, () => {
      const random = prng(1000 + k)
      const { ids: honest, attestations: honestGraph } = randomGraph('honest', HONEST, HONEST_DEGREE, random)
      const attack = buildAttack(honest, k, random)
      let worst = 0

      for (const viewer of honest.filter((_, i) => i % 5 === 0 || i < k)) {
        const attacked = engineFor(viewer, honestGraph, attack.attestations).view('mesh', NOW)
        const baseline = engineFor(viewer, honestGraph).view('mesh', NOW)
        const trustedSybils = [...attacked.entries.keys()].filter(id => attack.sybils.has(id)).length

        // The bound from the layering of this very view...
        const bound = attack.entries.reduce((sum, s) => {
          const d = attacked.explain(s).distance
          return sum + (d === undefined ? 0 : CAPACITY_BY_DISTANCE[d])
        }, 0)
        assert.ok(trustedSybils <= bound, `viewer ${viewer}: ${trustedSybils} Sybils > bound ${bound}`)

        // ...and the a-priori one: 16 per attack edge, 64 where the viewer itself made it.
        const apriori = attack.attackers.reduce((sum, h) => sum + (h === viewer ? CAPACITY_BY_DISTANCE[1] : CAPACITY_BY_DISTANCE[2]), 0)
        assert.ok(trustedSybils <= apriori, `viewer ${viewer}: ${trustedSybils} Sybils > ${apriori}`)

        // Honest cells lose at most the flow the Sybils absorbed.
        const honestTrusted = [...attacked.entries.keys()].filter(id => !attack.sybils.has(id)).length
        assert.ok(honestTrusted >= baseline.entries.size - bound, `viewer ${viewer}: honest ${honestTrusted} < ${baseline.entries.size} - ${bound}`)
        worst = Math.max(worst, trustedSybils)
      }
      assert.ok(worst > 0, 'the attack reached some viewer, so the bound was exercised')
    })
  }

  it('keeps honest cells beyond the attacker trusted', () => {
    const random = prng(77)
    const { ids: honest, attestations: honestGraph } = randomGraph('honest', HONEST, HONEST_DEGREE, random)
    const attack = buildAttack(honest, 1, random)
    const viewer = honest[1]
    const attacked = engineFor(viewer, honestGraph, attack.attestations).view('mesh', NOW)
    const baseline = engineFor(viewer, honestGraph).view('mesh', NOW)
    const beyond = honestGraph.filter(a => a.issuer === attack.attackers[0]).map(a => a.subject)
    for (const id of beyond) {
      if (baseline.has(id)) assert.ok(attacked.has(id), `${id} stays trusted`)
    }
    const honestTrusted = [...attacked.entries.keys()].filter(id => !attack.sybils.has(id)).length
    assert.ok(honestTrusted >= baseline.entries.size - CAPACITY_BY_DISTANCE[2])
  })
})
