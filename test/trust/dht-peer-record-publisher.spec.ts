/**
 * A cell's first DHT put of its peer record usually finds no DHT server:
 * at start there are no peers, and a fresh connection is not yet known to
 * serve the DHT until identify has run. The publisher must keep trying on
 * its own: when a DHT server connects, and on a backoff.
 */
import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { sealRecord } from '@cell/trust'
import { pino } from 'pino'
import { DhtPeerRecordPublisher, lookUpPeerRecord } from '../../packages/agent/src/trust/dht-peer-records.ts'
import { dhtPeerRecordOptions } from '../../packages/agent/src/trust/dht-records.ts'
import { createTestNode } from '../fixtures/libp2p-node.ts'
import { waitFor } from '../fixtures/wait.ts'
import type { CellLibp2p } from '../../packages/agent/src/p2p/libp2p-node.ts'

describe('putting the peer record in the DHT', function () {
  this.timeout(30_000)

  const nodes: CellLibp2p[] = []
  const publishers: DhtPeerRecordPublisher[] = []

  after(async () => {
    for (const publisher of publishers) publisher.stop()
    await Promise.all(nodes.map(async node => { await node.stop() }))
  })

  const silent = pino({ level: 'silent' })

  async function lonelyCell (): Promise<{ cell: CellLibp2p, server: CellLibp2p, envelope: Uint8Array }> {
    const privateKey = await generateKeyPair('Ed25519')
    const cell = await createTestNode({ privateKey, dht: { ...dhtPeerRecordOptions(), clientMode: true } })
    const server = await createTestNode({ dht: dhtPeerRecordOptions() })
    nodes.push(cell, server)
    const now = Date.now()
    const envelope = sealRecord(privateKey, 'peer-record', {
      cellId: cell.peerId.toString(), name: 'lonely', multiaddrs: [], wgPublicKey: Buffer.alloc(32, 7).toString('base64'), wgEndpoints: [], services: [], advertisedPrefixes: [], seq: now, issuedAt: now, notAfter: now + 3_600_000
    })
    return { cell, server, envelope }
  }

  async function assertServerHolds (server: CellLibp2p, cell: CellLibp2p, envelope: Uint8Array): Promise<void> {
    let held: Uint8Array | undefined
    await lookUpPeerRecord(server, cell.peerId.toString(), async value => { held = value; return true }, silent, AbortSignal.timeout(5000))
    assert.deepEqual(held, envelope)
  }

  it('puts the record once a DHT server connects', async () => {
    const { cell, server, envelope } = await lonelyCell()
    const publisher = new DhtPeerRecordPublisher(cell, silent)
    publishers.push(publisher)
    await publisher.start()

    // Nobody to put it with yet: the first put stores nothing.
    publisher.publish(envelope)
    await new Promise(resolve => setTimeout(resolve, 200))
    assert.equal(publisher.isPublished, false)

    await cell.dial(server.getMultiaddrs()[0])
    await waitFor(() => publisher.isPublished, { timeout: 15_000, what: 'the publisher to see a server take the record' })
    await assertServerHolds(server, cell, envelope)
  })

  it('puts it again on its backoff alone, without hearing of the server', async () => {
    const { cell, server, envelope } = await lonelyCell()
    // Not started: it never learns that a server connected.
    const publisher = new DhtPeerRecordPublisher(cell, silent)
    publishers.push(publisher)
    publisher.publish(envelope)
    await new Promise(resolve => setTimeout(resolve, 200))
    assert.equal(publisher.isPublished, false)

    await cell.dial(server.getMultiaddrs()[0])
    await waitFor(() => publisher.isPublished, { timeout: 15_000, what: 'the backoff to put the record' })
    await assertServerHolds(server, cell, envelope)
  })
})
