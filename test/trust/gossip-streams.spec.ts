/**
 * A gossipsub outbound stream that dies while its connection stays is
 * never re-opened by gossipsub itself; the trust layer's periodic round
 * re-opens it (packages/agent/src/trust/gossip-streams.ts), and a running
 * agent does so by itself.
 */
import assert from 'node:assert/strict'
import { multiaddr } from '@multiformats/multiaddr'
import { ATTESTATION_TOPIC } from '../../packages/agent/src/trust/constants.ts'
import { trustGossipOptions } from '../../packages/agent/src/trust/gossip-options.ts'
import { peersWithoutGossipStream, reopenGossipStreams } from '../../packages/agent/src/trust/gossip-streams.ts'
import { startAgent, stopAll } from '../fixtures/agent-process.ts'
import { createTestNode } from '../fixtures/libp2p-node.ts'
import { waitFor } from '../fixtures/wait.ts'
import type { CellLibp2p } from '../../packages/agent/src/p2p/libp2p-node.ts'

describe('lost gossip streams', function () {
  this.timeout(30_000)
  let sender: CellLibp2p
  let receiver: CellLibp2p
  const received: string[] = []

  before(async () => {
    sender = await createTestNode({ gossipsub: { ...trustGossipOptions(() => 0), allowPublishToZeroTopicPeers: false } })
    receiver = await createTestNode({ gossipsub: trustGossipOptions(() => 0) })
    for (const node of [sender, receiver]) node.services.pubsub.subscribe(ATTESTATION_TOPIC)
    receiver.services.pubsub.addEventListener('message', event => { received.push(new TextDecoder().decode(event.detail.data)) })
    await sender.dial(receiver.getMultiaddrs()[0])
    await waitFor(() => sender.services.pubsub.getSubscribers(ATTESTATION_TOPIC).length === 1, { what: 'the sender to see the subscription' })
  })

  after(async () => {
    await sender?.stop()
    await receiver?.stop()
  })

  it('finds a connected peer whose outbound stream died, and re-opens it', async () => {
    assert.deepEqual(peersWithoutGossipStream(sender), [])

    const stream = sender.getConnections(receiver.peerId).flatMap(c => c.streams)
      .find(s => s.direction === 'outbound' && s.protocol?.startsWith('/meshsub/') === true)
    assert.ok(stream != null, 'the sender has an outbound gossip stream')
    stream.abort(new Error('simulated reset'))
    await waitFor(() => peersWithoutGossipStream(sender)?.length === 1, { what: 'gossipsub to drop the dead stream' })
    assert.equal(sender.getConnections(receiver.peerId).length, 1, 'the connection itself stays')

    assert.equal(reopenGossipStreams(sender), 1)
    await waitFor(() => peersWithoutGossipStream(sender)?.length === 0, { what: 'the stream to come back' })

    // Direct peering would also carry it, but these two are plain mesh
    // candidates: publish until the heartbeat has grafted the receiver.
    await waitFor(async () => {
      await sender.services.pubsub.publish(ATTESTATION_TOPIC, new TextEncoder().encode(`hello ${Date.now()}`)).catch(() => {})
      return received.length > 0
    }, { what: 'the receiver to get a message over the re-opened stream', timeout: 15_000, interval: 300 })
  })
})

describe('lost gossip streams, in a running agent', function () {
  this.timeout(60_000)
  let peer: CellLibp2p | undefined

  after(async () => {
    await peer?.stop()
    await stopAll()
  })

  it('re-opens its outbound gossip stream after the peer resets it', async () => {
    const agent = await startAgent()
    peer = await createTestNode({ gossipsub: trustGossipOptions(() => 0) })
    peer.services.pubsub.subscribe(ATTESTATION_TOPIC)
    await peer.dial(multiaddr((await agent.multiaddrs())[0]))

    // The agent's outbound gossip stream arrives here as an inbound one.
    const fromAgent = (): Array<{ id: string, abort(err: Error): void }> => peer!.getConnections().flatMap(c => c.streams)
      .filter(s => s.direction === 'inbound' && s.protocol?.startsWith('/meshsub/') === true)
    await waitFor(() => fromAgent().length === 1, { what: 'the agent to open its gossip stream', timeout: 10_000 })
    const first = fromAgent()[0]
    first.abort(new Error('simulated reset'))
    assert.equal(peer.getConnections().length, 1, 'the connection itself stays')

    // GOSSIP_STREAM_CHECK_INTERVAL is 5 s; allow three rounds.
    await waitFor(() => fromAgent().some(s => s.id !== first.id), { what: 'the agent to re-open its gossip stream', timeout: 15_000, interval: 250 })
  })
})
