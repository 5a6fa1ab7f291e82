import assert from 'node:assert/strict'
import { TrustEngine } from '../../src/metric/engine.ts'
import { T0, YEAR, edge, prng, randomGraph } from '../fixtures/graphs.ts'

const NOW = T0 + 1000

describe('metric/engine', () => {
  it('trusts C through A -> B -> C and explains the chain', () => {
    const engine = new TrustEngine({ selfId: 'A' })
    engine.upsert(edge('A', 'B'))
    engine.upsert(edge('B', 'C'))
    const view = engine.view('mesh', NOW)
    assert.deepEqual(view.get('B'), { cellId: 'B', level: 'full', source: 'direct', scopes: ['*'], distance: 1, flow: 2 })
    assert.deepEqual(view.get('C'), { cellId: 'C', level: 'full', source: 'indirect', scopes: ['mesh'], distance: 2, flow: 1 })
    const why = view.explain('C')
    assert.equal(why.trusted, true)
    assert.deepEqual(why.paths, [{ cells: ['A', 'B', 'C'], levels: ['full', 'full'], flow: 1 }])
  })

  it('drops C when B revokes it, and says so', () => {
    const engine = new TrustEngine({ selfId: 'A' })
    engine.upsert(edge('A', 'B'))
    engine.upsert(edge('B', 'C', { seq: T0 + 1 }))
    assert.ok(engine.view('mesh', NOW).has('C'))
    assert.equal(engine.upsert(edge('B', 'C', { seq: T0, level: 'none' })), false, 'an older seq is ignored')
    engine.upsert(edge('B', 'C', { seq: T0 + 2, level: 'none' }))
    const view = engine.view('mesh', NOW)
    assert.ok(!view.has('C'))
    assert.equal(view.explain('C').reason, 'revoked')
  })

  it('refuses a blocked cell whoever vouches for it, and follows no chain through it', () => {
    const engine = new TrustEngine({ selfId: 'A' })
    engine.upsert(edge('A', 'B'))
    engine.upsert(edge('A', 'C'))
    engine.upsert(edge('B', 'D'))
    engine.upsert(edge('C', 'D'))
    engine.upsert(edge('D', 'E'))
    engine.setVerified(['D'])
    assert.deepEqual([...engine.view('mesh', NOW).entries.keys()].sort(), ['B', 'C', 'D', 'E'])

    assert.equal(engine.setBlocked(['D', 'A']), true)
    const view = engine.view('mesh', NOW)
    assert.deepEqual([...view.entries.keys()].sort(), ['B', 'C'], 'D is out though B, C and a verification vouch for it, and E with it')
    assert.equal(view.explain('D').reason, 'blocked')
    assert.ok(view.explain('D').incoming.every(item => item.state === 'subject-blocked'))
    assert.equal(view.explain('E').reason, 'no-path')
    assert.deepEqual([...engine.horizon(NOW)].sort(), ['A', 'B', 'C'])

    assert.equal(engine.setBlocked(['D']), false, 'blocking this cell itself is ignored')
    engine.setBlocked([])
    assert.deepEqual([...engine.view('mesh', NOW).entries.keys()].sort(), ['B', 'C', 'D', 'E'])
  })

  it('drops expired and not yet valid attestations at compute time', () => {
    const engine = new TrustEngine({ selfId: 'A' })
    engine.upsert(edge('A', 'B'))
    engine.upsert(edge('B', 'C', { notAfter: T0 + 5000 }))
    engine.upsert(edge('B', 'D', { notBefore: T0 + 5000 }))
    assert.deepEqual([...engine.view('mesh', NOW).entries.keys()], ['B', 'C'])
    const later = engine.view('mesh', T0 + 6000)
    assert.deepEqual([...later.entries.keys()], ['B', 'D'])
    assert.equal(later.explain('C').reason, 'expired')
    assert.equal(engine.view('mesh', NOW).explain('D').reason, 'not-yet-valid')
  })

  it('counts a marginal step twice and carries the weakest level', () => {
    const engine = new TrustEngine({ selfId: 'A' })
    engine.upsert(edge('A', 'B', { level: 'marginal' }))
    engine.upsert(edge('B', 'C'))
    engine.upsert(edge('C', 'D'))
    engine.upsert(edge('D', 'E'))
    const view = engine.view('mesh', NOW)
    assert.deepEqual(view.get('B'), { cellId: 'B', level: 'marginal', source: 'direct', scopes: ['*'], distance: 2, flow: 3 })
    assert.equal(view.get('C')?.level, 'marginal')
    assert.equal(view.get('C')?.distance, 3)
    assert.equal(view.get('D')?.distance, 4)
    assert.ok(!view.has('E'))
    assert.equal(view.explain('E').reason, 'too-far')
  })

  it('limits onward vouching to the issuer\'s maxDepth', () => {
    const engine = new TrustEngine({ selfId: 'A' })
    engine.upsert(edge('A', 'B', { maxDepth: 1 }))
    engine.upsert(edge('B', 'C'))
    engine.upsert(edge('C', 'D'))
    let view = engine.view('mesh', NOW)
    assert.ok(view.has('C'))
    assert.ok(!view.has('D'))
    assert.equal(view.explain('D').reason, 'beyond-max-depth')

    engine.upsert(edge('A', 'B', { maxDepth: 0, seq: T0 + YEAR }))
    view = engine.view('mesh', NOW)
    assert.deepEqual([...view.entries.keys()], ['B'])
  })

  it('keeps scopes apart', () => {
    const engine = new TrustEngine({ selfId: 'A' })
    engine.upsert(edge('A', 'B', { scopes: ['mesh', 'dns'] }))
    engine.upsert(edge('B', 'C', { scopes: ['dns'] }))
    assert.ok(engine.view('dns', NOW).has('C'))
    assert.ok(!engine.view('mesh', NOW).has('C'))
    assert.equal(engine.view('mesh', NOW).explain('C').reason, 'out-of-scope')
    assert.ok(!engine.view('mail', NOW).has('B'))
    assert.deepEqual(engine.view('mesh', NOW).get('B')?.scopes, ['mesh', 'dns'])
  })

  it('computes one flow state for the scopes no attestation names, and a separate one once one is named', () => {
    const engine = new TrustEngine({ selfId: 'A' })
    engine.upsert(edge('A', 'B'))
    engine.upsert(edge('B', 'C'))
    const mesh = engine.view('mesh', NOW)
    const files = engine.view('files', NOW)
    assert.equal(engine.stats().fullBuilds, 1, 'mesh and files share the state built for *')
    assert.deepEqual([...files.entries.keys()], [...mesh.entries.keys()])
    assert.equal(files.scope, 'files')
    assert.deepEqual(files.get('C')?.scopes, ['files'])
    assert.equal(files.explain('C').scope, 'files')

    // B vouches for D for files only: files gets a state of its own.
    engine.upsert(edge('B', 'D', { scopes: ['files'] }))
    assert.ok(engine.view('files', NOW).has('D'))
    assert.ok(!engine.view('mesh', NOW).has('D'))
    assert.equal(engine.view('mesh', NOW).explain('D').reason, 'out-of-scope')
    assert.ok(!engine.view('dns', NOW).has('D'))
    assert.equal(engine.stats().fullBuilds, 2)

    // Once no attestation names files any more, it shares again.
    engine.upsert(edge('B', 'D', { scopes: ['*'] }))
    assert.ok(engine.view('files', NOW).has('D'))
    assert.ok(engine.view('mesh', NOW).has('D'))
    assert.deepEqual(engine.horizon(NOW), new Set(['A', 'B', 'C', 'D']))
  })

  it('trusts verified cells in every scope without following their attestations', () => {
    const engine = new TrustEngine({ selfId: 'A' })
    engine.setVerified(['V', 'A'])
    engine.upsert(edge('V', 'W'))
    const view = engine.view('files', NOW)
    assert.equal(view.get('V')?.source, 'verified')
    assert.ok(!view.has('W'))
  })

  it('ignores a compromised key and the later signatures of a rotated one', () => {
    const engine = new TrustEngine({ selfId: 'A' })
    engine.upsert(edge('A', 'B'))
    engine.upsert(edge('B', 'C'))
    engine.upsert(edge('B', 'D', { notBefore: T0 + 500 }))
    engine.applyKeyNotice({ issuer: 'B', kind: 'rotated', successor: 'B2', effectiveAt: T0 + 100, seq: T0 + 10 })
    let view = engine.view('mesh', T0 + 50)
    assert.ok(view.has('C') && !view.has('D'))
    assert.equal(view.explain('D').reason, 'key-retired')

    engine.applyKeyNotice({ issuer: 'C', kind: 'compromised', effectiveAt: T0, seq: T0 + 11 })
    view = engine.view('mesh', T0 + 50)
    assert.ok(!view.has('C'))
    assert.equal(view.explain('C').reason, 'key-retired')
  })

  it('stops at exhausted capacity and names the cut', () => {
    const engine = new TrustEngine({ selfId: 'A' })
    engine.upsert(edge('A', 'B'))
    for (let i = 0; i < 100; i++) engine.upsert(edge('B', `c${i}`))
    const view = engine.view('mesh', NOW)
    assert.equal(view.entries.size, 64, 'B keeps one unit and passes 63 on')
    const blocked = [...Array(100).keys()].map(i => `c${i}`).find(id => !view.has(id)) as string
    const why = view.explain(blocked)
    assert.equal(why.reason, 'capacity-exhausted')
    assert.deepEqual(why.incoming.map(i => [i.issuer, i.issuerCapacity, i.issuerUsed]), [['B', 63, 63]])
  })

  it('reports the horizon: itself and every cell trusted in some scope', () => {
    const engine = new TrustEngine({ selfId: 'A' })
    engine.upsert(edge('A', 'B', { scopes: ['dns'] }))
    engine.upsert(edge('B', 'C', { scopes: ['mail'] }))
    engine.upsert(edge('A', 'D', { scopes: ['files'], maxDepth: 0 }))
    engine.upsert(edge('D', 'E'))
    assert.deepEqual([...engine.horizon(NOW)].sort(), ['A', 'B', 'D'])
  })

  it('answers explain from the current graph even on an older view', () => {
    const engine = new TrustEngine({ selfId: 'A' })
    engine.upsert(edge('A', 'B'))
    const old = engine.view('mesh', NOW)
    engine.upsert(edge('A', 'B', { level: 'none', seq: T0 + YEAR }))
    assert.equal(old.explain('B').reason, 'revoked')
  })

  it('updates incrementally to the same flow as a full recompute', () => {
    const random = prng(7)
    const { ids, attestations } = randomGraph('h', 400, 6, random)
    const history = [...attestations]
    const engine = new TrustEngine({ selfId: ids[0] })
    for (const a of history) engine.upsert(a)
    engine.view('mesh', NOW)

    for (let round = 0; round < 60; round++) {
      const from = ids[Math.floor(random() * ids.length)]
      const to = ids[Math.floor(random() * ids.length)]
      if (from === to) continue
      const change = edge(from, to, { level: random() < 0.3 ? 'none' : 'full' })
      history.push(change)
      engine.upsert(change)
      const incremental = engine.view('mesh', NOW)

      // Max-flow value is unique, so both must trust as many cells, and
      // the same direct ones; which contested cells win may differ.
      const fresh = new TrustEngine({ selfId: ids[0] })
      for (const a of history) fresh.upsert(a)
      const full = fresh.view('mesh', NOW)
      assert.equal(incremental.flow, full.flow, `round ${round}`)
      assert.equal(incremental.entries.size, full.entries.size, `round ${round}`)
    }
    assert.ok(engine.stats().incrementalUpdates > 10, 'most updates were incremental')
  })
})
