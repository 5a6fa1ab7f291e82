import assert from 'node:assert/strict'
import { MemoryBackend } from '../../src/backends/memory-backend.ts'
import { desiredMeshState } from '../../src/desired/desired-state.ts'
import { diffMeshState } from '../../src/diff/diff.ts'
import { testKey, testPeer, testSelf } from '../fixtures/peers.ts'
import type { PeerState } from '../../src/types.ts'

function peer (name: string, allowedIps: string[], endpoint: string | null = '192.0.2.1:51820'): PeerState {
  return { publicKey: testKey(name), cellId: name, endpoint, allowedIps, persistentKeepalive: 25 }
}

describe('MemoryBackend', () => {
  it('refuses work before start', async () => {
    const backend = new MemoryBackend()
    await assert.rejects(backend.getState(), { code: 'ERR_MESH_BACKEND_NOT_STARTED' })
    await assert.rejects(backend.apply([]), { code: 'ERR_MESH_BACKEND_NOT_STARTED' })
  })

  it('records a whole desired state so a diff against it is empty', async () => {
    const backend = new MemoryBackend()
    await backend.start()
    const desired = desiredMeshState({
      self: testSelf(),
      peers: [testPeer('a', ['mesh', 'route'], { advertisedPrefixes: ['10.2.0.0/16'] }), testPeer('b', ['mesh'])],
      routing: { exitNode: 'a', nat: [{ type: 'masquerade', outInterface: 'eth0' }] }
    })
    await backend.apply(diffMeshState(await backend.getState(), desired))
    const state = await backend.getState()
    assert.deepEqual(diffMeshState(state, desired), [])
    assert.equal(state.ruleset?.nat.length, 1)
    assert.equal(state.forwarding, true)
    assert.equal(state.policyRouting, true)
    assert.deepEqual(state.routes.map((r) => r.destination), ['0.0.0.0/0', '::/0', '10.2.0.0/16'])
    assert.equal(backend.counters.applies, 1)
  })

  it('moves an allowed IP to the last peer given it, as WireGuard does', async () => {
    const backend = new MemoryBackend()
    await backend.start()
    await backend.apply([{ type: 'add-peer', peer: peer('x', ['10.0.0.0/24', '10.1.0.0/24']) }])
    await backend.apply([{ type: 'add-peer', peer: peer('y', ['10.0.0.0/24']) }])
    const peers = (await backend.getState()).peers
    assert.deepEqual(peers.find((p) => p.cellId === 'x')?.allowedIps, ['10.1.0.0/24'])
    assert.deepEqual(peers.find((p) => p.cellId === 'y')?.allowedIps, ['10.0.0.0/24'])
  })

  it('keeps a known endpoint when a peer is set without one', async () => {
    const backend = new MemoryBackend()
    await backend.start()
    await backend.apply([{ type: 'add-peer', peer: peer('x', [], '192.0.2.7:1') }])
    await backend.apply([{ type: 'add-peer', peer: peer('x', [], null) }])
    assert.equal((await backend.getState()).peers[0].endpoint, '192.0.2.7:1')
  })

  it('clears everything on stop unless told to keep the interface', async () => {
    const backend = new MemoryBackend()
    await backend.start()
    await backend.apply([{ type: 'add-peer', peer: peer('x', []) }])
    await backend.stop({ removeInterface: false })
    await backend.start()
    assert.equal((await backend.getState()).peers.length, 1)
    await backend.stop()
    await backend.start()
    assert.equal((await backend.getState()).peers.length, 0)
    assert.equal((await backend.status()).mode, 'memory')
  })
})
