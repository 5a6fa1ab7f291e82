/**
 * A cell keeps its connections to the cells it trusts directly: libp2p
 * redials a peer carrying the trusted keep-alive tag when the connection
 * drops, and stops once the tag is gone. Two real libp2p nodes on TCP
 * loopback; a third one that the first has never met.
 */
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { pino } from 'pino'
import { TRUSTED_TAG, TrustedConnections } from '../../packages/agent/src/trust/trusted-connections.ts'
import { createTestNode } from '../fixtures/libp2p-node.ts'
import { waitFor } from '../fixtures/wait.ts'
import type { CellLibp2p } from '../../packages/agent/src/p2p/libp2p-node.ts'

/** Gossipsub's direct peers; the set is not on its exported interface. */
const gossipDirect = (node: CellLibp2p): Set<string> => (node.services.pubsub as unknown as { direct: Set<string> }).direct

describe('trust/trusted-connections', function () {
  this.timeout(30_000)
  let a: CellLibp2p
  let b: CellLibp2p

  beforeEach(async () => {
    // DHT clients: a DHT server would tag its routing-table peers keep-alive
    // itself, and its redials would hide whether this tag works.
    a = await createTestNode({ dht: { clientMode: true } })
    b = await createTestNode({ dht: { clientMode: true } })
    await a.dial(b.getMultiaddrs()[0])
  })

  afterEach(async () => {
    await Promise.all([a?.stop(), b?.stop()])
  })

  it('redials a trusted cell after its connection drops, and not after trust ends', async () => {
    const trusted = new TrustedConnections(a, pino({ level: 'silent' }))
    await trusted.update(new Set([b.peerId.toString()]))
    assert.ok((await a.peerStore.get(b.peerId)).tags.has(TRUSTED_TAG))
    assert.ok(gossipDirect(a).has(b.peerId.toString()), 'b is a gossipsub direct peer of a')

    await a.hangUp(b.peerId)
    await waitFor(() => a.getConnections(b.peerId).length > 0, { timeout: 10_000 })

    await trusted.update(new Set())
    assert.equal((await a.peerStore.get(b.peerId)).tags.has(TRUSTED_TAG), false)
    assert.equal(gossipDirect(a).has(b.peerId.toString()), false)
    await a.hangUp(b.peerId)
    await sleep(2000)
    assert.equal(a.getConnections(b.peerId).length, 0)
  })

  it('redials trusted cells without a connection when libp2p has given up on them', async () => {
    const trusted = new TrustedConnections(a, pino({ level: 'silent' }))
    await trusted.update(new Set([b.peerId.toString()]))

    // libp2p drops the tag after its last failed redial: simulate that.
    await a.peerStore.merge(b.peerId, { tags: { [TRUSTED_TAG]: undefined } })
    await a.hangUp(b.peerId)
    await sleep(500)
    assert.equal(a.getConnections(b.peerId).length, 0)

    await trusted.redialMissing(4)
    assert.ok(a.getConnections(b.peerId).length > 0)
    assert.ok((await a.peerStore.get(b.peerId)).tags.has(TRUSTED_TAG))
  })

  it('dials a trusted cell it never met at the addresses of its signed peer record', async () => {
    const stranger = await createTestNode({ dht: { clientMode: true } })
    try {
      const id = stranger.peerId.toString()
      const recorded = stranger.getMultiaddrs().map(address => address.toString())
      assert.equal((await a.peerStore.has(stranger.peerId)), false, 'a has never heard of the stranger')

      // Without the record's addresses libp2p has nowhere to dial.
      const blind = new TrustedConnections(a, pino({ level: 'silent' }))
      await blind.update(new Set([id]))
      await blind.redialMissing(4)
      assert.equal(a.getConnections(stranger.peerId).length, 0)

      const trusted = new TrustedConnections(a, pino({ level: 'silent' }), cellId => cellId === id ? ['not a multiaddr', ...recorded] : [])
      await trusted.update(new Set([id]))
      await trusted.redialMissing(4)
      assert.ok(a.getConnections(stranger.peerId).length > 0, 'a connected to the stranger')
    } finally {
      await stranger.stop()
    }
  })
})
