import assert from 'node:assert/strict'
import { desiredMeshState } from '../../src/desired/desired-state.ts'
import { testPeer, testSelf } from '../fixtures/peers.ts'
import type { DesiredState } from '../../src/types.ts'

function peerByCell (state: DesiredState, cellId: string) {
  return state.peers.find((peer) => peer.cellId === cellId)
}

describe('desiredMeshState', () => {
  it('puts the overlay /10 and /48 on the interface with the defaults', () => {
    const self = testSelf()
    const state = desiredMeshState({ self, peers: [] })
    assert.deepEqual(state.interface, {
      name: 'pic0',
      listenPort: 51820,
      privateKeyPath: '/var/lib/cell/wg.key',
      addresses: [`${self.overlay.ipv4}/10`, `${self.overlay.ipv6}/48`]
    })
    assert.deepEqual(state.routes, [])
    assert.equal(state.policyRouting, false)
    assert.equal(state.forwarding, false)
  })

  it('refuses a broken local configuration', () => {
    assert.throws(() => desiredMeshState({ self: testSelf({ interfaceName: 'much-too-long-name' }), peers: [] }), { code: 'ERR_MESH_CONFIG_INVALID' })
    assert.throws(() => desiredMeshState({ self: testSelf({ listenPort: 0 }), peers: [] }), { code: 'ERR_MESH_CONFIG_INVALID' })
    assert.throws(() => desiredMeshState({ self: testSelf({ privateKeyPath: 'relative/key' }), peers: [] }), { code: 'ERR_MESH_CONFIG_INVALID' })
    assert.throws(() => desiredMeshState({ self: testSelf({ overlay: { ipv4: '10.0.0.1', ipv6: 'fdab:bf08:7a36::1' } }), peers: [] }), { code: 'ERR_MESH_CONFIG_INVALID' })
    assert.throws(() => desiredMeshState({ self: testSelf(), peers: [], routing: { nat: [{ type: 'masquerade', outInterface: 'bad"if' }] } }), { code: 'ERR_MESH_VALIDATION', field: 'nat.0.outInterface' })
  })

  it('makes a peer of every cell trusted for mesh, and only those', () => {
    const a = testPeer('a', ['mesh'])
    const state = desiredMeshState({ self: testSelf(), peers: [a, testPeer('b', ['mail']), testPeer('c', ['*'])] })
    assert.deepEqual(state.peers.map((peer) => peer.cellId).sort(), ['a', 'c'])
    assert.deepEqual(peerByCell(state, 'a'), {
      publicKey: a.wgPublicKey,
      cellId: 'a',
      endpoint: a.endpoints[0],
      allowedIps: [`${a.overlay.ipv4}/32`, `${a.overlay.ipv6}/128`].sort(),
      persistentKeepalive: 25
    })
  })

  it('takes advertised prefixes only from cells trusted for route', () => {
    const router = testPeer('router', ['mesh', 'route'], { advertisedPrefixes: ['192.168.7.9/24', 'junk', '0.0.0.0/0'] })
    const plain = testPeer('plain', ['mesh'], { advertisedPrefixes: ['192.168.8.0/24'] })
    const state = desiredMeshState({ self: testSelf(), peers: [router, plain] })
    assert.ok(peerByCell(state, 'router')?.allowedIps.includes('192.168.7.0/24'))
    assert.ok(!peerByCell(state, 'plain')?.allowedIps.includes('192.168.8.0/24'))
    assert.ok(!peerByCell(state, 'router')?.allowedIps.includes('0.0.0.0/0'), 'no default route from an advertisement')
    assert.deepEqual(state.routes, [{ destination: '192.168.7.0/24', table: 'main' }])
    assert.ok(state.warnings.some((w) => w.cellId === 'router' && /malformed/.test(w.reason)))
  })

  it('refuses prefixes that capture overlay addresses or a peer endpoint', () => {
    const victim = testPeer('victim', ['mesh'], { endpoints: ['198.51.100.20:51820'] })
    const thief = testPeer('thief', ['mesh', 'route'], { endpoints: ['203.0.113.5:51820'], advertisedPrefixes: [`${victim.overlay.ipv4}/32`, '100.64.0.0/16', '198.51.100.0/24'] })
    const state = desiredMeshState({ self: testSelf(), peers: [victim, thief] })
    assert.deepEqual(peerByCell(state, 'thief')?.allowedIps.filter((ip) => !ip.startsWith('100.') && !ip.startsWith('fdab')), [])
    assert.equal(peerByCell(state, 'victim')?.allowedIps.length, 2)
    assert.ok(state.warnings.some((w) => /overlay/.test(w.reason)))
    assert.ok(state.warnings.some((w) => /underlay endpoint of victim/.test(w.reason)))
  })

  it('gives a contested prefix to the local configuration, then to the lower cell id', () => {
    const x = testPeer('x', ['mesh', 'route'], { advertisedPrefixes: ['10.9.0.0/16'] })
    const y = testPeer('y', ['mesh', 'route'], { advertisedPrefixes: ['10.9.0.0/16', '10.10.0.0/16'] })
    const z = testPeer('z', ['mesh', 'route'], { advertisedPrefixes: ['10.10.0.0/16'] })
    const state = desiredMeshState({ self: testSelf(), peers: [z, y, x], routing: { peerRoutes: [{ peer: 'z', prefixes: ['10.10.0.0/16'] }] } })
    assert.ok(peerByCell(state, 'x')?.allowedIps.includes('10.9.0.0/16'))
    assert.ok(!peerByCell(state, 'y')?.allowedIps.includes('10.9.0.0/16'))
    assert.ok(peerByCell(state, 'z')?.allowedIps.includes('10.10.0.0/16'))
    assert.ok(!peerByCell(state, 'y')?.allowedIps.includes('10.10.0.0/16'))
  })

  it('skips malformed peers and duplicate keys without failing the rest', () => {
    const good = testPeer('good', ['mesh'])
    const state = desiredMeshState({
      self: testSelf(),
      peers: [
        testPeer('badkey', ['mesh'], { wgPublicKey: 'not-a-key' }),
        testPeer('copy', ['mesh'], { wgPublicKey: good.wgPublicKey }),
        testPeer('outside', ['mesh'], { overlay: { ipv4: '10.0.0.1', ipv6: '2001:db8::1' } }),
        good
      ]
    })
    assert.deepEqual(state.peers.map((peer) => peer.cellId).sort(), ['copy', 'outside'])
    assert.equal(peerByCell(state, 'copy')?.publicKey, good.wgPublicKey, 'the first cell id keeps a shared key')
    assert.deepEqual(peerByCell(state, 'outside')?.allowedIps, [], 'no overlay addresses outside the overlay')
    assert.ok(state.warnings.some((w) => w.cellId === 'badkey'))
    assert.ok(state.warnings.some((w) => w.cellId === 'good' && /already used/.test(w.reason)))
  })

  it('routes everything through an exit node trusted for route, with policy routing', () => {
    const exit = testPeer('exit', ['mesh', 'route'])
    const state = desiredMeshState({ self: testSelf(), peers: [exit], routing: { exitNode: 'exit' } })
    assert.ok(peerByCell(state, 'exit')?.allowedIps.includes('0.0.0.0/0'))
    assert.ok(peerByCell(state, 'exit')?.allowedIps.includes('::/0'))
    assert.deepEqual(state.routes, [{ destination: '0.0.0.0/0', table: 'cell' }, { destination: '::/0', table: 'cell' }])
    assert.equal(state.policyRouting, true)
  })

  it('ignores an exit node or split route through an untrusted cell', () => {
    const state = desiredMeshState({
      self: testSelf(),
      peers: [testPeer('meshonly', ['mesh'])],
      routing: { exitNode: 'meshonly', splitRoutes: [{ via: 'stranger', prefixes: ['203.0.113.0/24'] }] }
    })
    assert.deepEqual(state.routes, [])
    assert.equal(state.policyRouting, false)
    assert.equal(state.warnings.filter((w) => /not trusted/.test(w.reason)).length, 3)
  })

  it('puts split routes in the cell table and peer routes in main', () => {
    const r = testPeer('r', ['mesh', 'route'])
    const state = desiredMeshState({
      self: testSelf(),
      peers: [r],
      routing: { splitRoutes: [{ via: 'r', prefixes: ['203.0.113.0/24'] }], peerRoutes: [{ peer: 'r', prefixes: ['192.168.50.0/24'] }] }
    })
    assert.deepEqual(state.routes, [{ destination: '203.0.113.0/24', table: 'cell' }, { destination: '192.168.50.0/24', table: 'main' }])
    assert.equal(state.policyRouting, true)
  })

  it('opens each service only to cells trusted for its scope', () => {
    const mail = testPeer('mail', ['mesh', 'mail'])
    const all = testPeer('all', ['*'])
    const plain = testPeer('plain', ['mesh'])
    const state = desiredMeshState({ self: testSelf(), peers: [mail, all, plain] })
    const mailAccess = state.ruleset?.services.find((s) => s.scope === 'mail')
    assert.deepEqual(mailAccess?.ports, [25, 587, 993])
    assert.deepEqual(mailAccess?.sources.ipv4, [`${mail.overlay.ipv4}/32`, `${all.overlay.ipv4}/32`].sort())
    assert.equal(state.ruleset?.meshSources.ipv4.length, 3)
    assert.deepEqual(state.ruleset?.forwardSources.ipv4, [`${all.overlay.ipv4}/32`])
  })

  it('advertises bridged prefixes and turns forwarding on for them', () => {
    const state = desiredMeshState({ self: testSelf(), peers: [], routing: { bridgeRoutes: [{ interface: 'eth1', prefixes: ['192.168.1.0/24'] }] } })
    assert.deepEqual(state.advertisedPrefixes, ['192.168.1.0/24'])
    assert.equal(state.forwarding, true)
  })

  it('is deterministic whatever the order of its inputs', () => {
    const peers = ['p', 'q', 'r', 's'].map((id, i) => testPeer(id, i % 2 === 0 ? ['mesh', 'route'] : ['mesh', 'mail'], { advertisedPrefixes: [`10.${i}.0.0/16`] }))
    const one = desiredMeshState({ self: testSelf(), peers })
    const two = desiredMeshState({ self: testSelf(), peers: [...peers].reverse() })
    assert.deepEqual(one, two)
    assert.equal(one.rulesetDigest, two.rulesetDigest)
  })
})
