import assert from 'node:assert/strict'
import { desiredMeshState } from '../../src/desired/desired-state.ts'
import { diffMeshState } from '../../src/diff/diff.ts'
import { testKey, testPeer, testSelf } from '../fixtures/peers.ts'
import type { MeshPeerInput, RoutingConfigInput } from '../../src/index.ts'

function desired (peers: MeshPeerInput[], routing: RoutingConfigInput = {}, listenPort = 51820) {
  return desiredMeshState({ self: testSelf({ listenPort }), peers, routing })
}

describe('diffMeshState', () => {
  it('builds everything from nothing, in order', () => {
    const changes = diffMeshState(null, desired([testPeer('a', ['mesh', 'route'])], { exitNode: 'a' }))
    assert.deepEqual(changes.map((c) => c.type), [
      'configure-interface', 'add-address', 'add-address', 'add-peer', 'add-route', 'add-route', 'set-policy-routing', 'replace-ruleset'
    ])
  })

  it('finds nothing to do between equal states', () => {
    const state = desired([testPeer('a', ['mesh'])])
    assert.deepEqual(diffMeshState(state, desired([testPeer('a', ['mesh'])])), [])
  })

  it('removes a peer that lost trust before anything else', () => {
    const before = desired([testPeer('a', ['mesh']), testPeer('b', ['mesh'])])
    const changes = diffMeshState(before, desired([testPeer('a', ['mesh'])], {}, 51821))
    assert.equal(changes[0].type, 'remove-peer')
    assert.ok(changes[0].type === 'remove-peer' && changes[0].peer.cellId === 'b')
    assert.deepEqual(changes.map((c) => c.type), ['remove-peer', 'configure-interface', 'replace-ruleset'])
  })

  it('updates only the endpoint of a peer that roamed', () => {
    const before = desired([testPeer('a', ['mesh'])])
    const changes = diffMeshState(before, desired([testPeer('a', ['mesh'], { endpoints: ['192.0.2.99:4000'] })]))
    assert.equal(changes.length, 1)
    assert.ok(changes[0].type === 'update-peer')
    assert.deepEqual(changes[0].fields, ['endpoint'])
    assert.equal(changes[0].peer.endpoint, '192.0.2.99:4000')
  })

  it('keeps a learned endpoint when the record has none', () => {
    const before = desired([testPeer('a', ['mesh'])])
    assert.deepEqual(diffMeshState(before, desired([testPeer('a', ['mesh'], { endpoints: [] })])), [])
  })

  it('rotates a key as remove old and add new', () => {
    const before = desired([testPeer('a', ['mesh'])])
    const changes = diffMeshState(before, desired([testPeer('a', ['mesh'], { wgPublicKey: testKey('a-rotated') })]))
    assert.deepEqual(changes.map((c) => c.type), ['remove-peer', 'add-peer'])
  })

  it('updates allowed IPs and routes when a peer gains the route scope', () => {
    const before = desired([testPeer('a', ['mesh'], { advertisedPrefixes: ['10.1.0.0/16'] })])
    const after = desired([testPeer('a', ['mesh', 'route'], { advertisedPrefixes: ['10.1.0.0/16'] })])
    const changes = diffMeshState(before, after)
    assert.deepEqual(changes.map((c) => c.type), ['update-peer', 'add-route', 'replace-ruleset'])
    assert.ok(changes[0].type === 'update-peer' && changes[0].fields.includes('allowedIps'))
    assert.deepEqual(diffMeshState(after, before).map((c) => c.type), ['remove-route', 'update-peer', 'replace-ruleset'])
  })

  it('turns policy routing off after removing the exit routes', () => {
    const withExit = desired([testPeer('a', ['mesh', 'route'])], { exitNode: 'a' })
    const changes = diffMeshState(withExit, desired([testPeer('a', ['mesh', 'route'])]))
    assert.deepEqual(changes.map((c) => c.type), ['remove-route', 'remove-route', 'set-policy-routing', 'update-peer'])
  })

  it('compares rule sets by digest, so a read-back state without rules still matches', () => {
    const state = desired([testPeer('a', ['mesh', 'mail'])])
    assert.deepEqual(diffMeshState({ ...state, ruleset: null }, state), [])
    assert.deepEqual(diffMeshState({ ...state, rulesetDigest: null }, state).map((c) => c.type), ['replace-ruleset'])
  })

  it('switches forwarding both ways', () => {
    const off = desired([])
    const on = desired([], { forwarding: true })
    assert.deepEqual(diffMeshState(off, on).filter((c) => c.type === 'set-forwarding'), [{ type: 'set-forwarding', enabled: true }])
    assert.deepEqual(diffMeshState(on, off).filter((c) => c.type === 'set-forwarding'), [{ type: 'set-forwarding', enabled: false }])
  })
})
