/**
 * A cell forwards valid records whose issuer it does not trust, so that
 * cells further along the gossip mesh that do trust the issuer get them
 * without waiting for a sync; it keeps them only in its capped quarantine.
 */
import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { sealRecord } from '@cell/trust'
import { ATTESTATION_TOPIC } from '../../packages/agent/src/trust/constants.ts'
import { trustGossipOptions } from '../../packages/agent/src/trust/gossip-options.ts'
import { startAgent, stopAll } from '../fixtures/agent-process.ts'
import { createTestNode } from '../fixtures/libp2p-node.ts'
import { waitFor } from '../fixtures/wait.ts'
import type { CellLibp2p } from '../../packages/agent/src/p2p/libp2p-node.ts'
import type { AgentHandle } from '../fixtures/agent-process.ts'

describe('relaying records from outside the horizon', function () {
  this.timeout(60_000)
  let agent: AgentHandle
  let publisher: CellLibp2p
  let listener: CellLibp2p

  before(async () => {
    agent = await startAgent()
    const agentId = await agent.cellId()
    const address = multiaddr((await agent.multiaddrs())[0])
    publisher = await createTestNode({ gossipsub: trustGossipOptions(() => 0) })
    listener = await createTestNode({ gossipsub: trustGossipOptions(() => 0) })
    for (const node of [publisher, listener]) {
      node.services.pubsub.subscribe(ATTESTATION_TOPIC)
      await node.dial(address)
    }
    for (const node of [publisher, listener]) {
      await waitFor(() => node.services.pubsub.getSubscribers(ATTESTATION_TOPIC).some(peer => peer.toString() === agentId),
        { what: 'the agent to subscribe' })
    }
  })

  after(async () => {
    await publisher?.stop()
    await listener?.stop()
    await stopAll()
  })

  it('forwards a stranger\'s valid record to a peer that reaches it only through the cell', async () => {
    const strangerKey = await generateKeyPair('Ed25519')
    const stranger = peerIdFromPrivateKey(strangerKey).toString()
    const subject = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
    const now = Date.now()
    const record = sealRecord(strangerKey, 'attestation', {
      issuer: stranger, subject, level: 'full', scopes: ['*'], maxDepth: 1, seq: now, notBefore: now, notAfter: now + 3_600_000
    })

    const received = new Promise<Uint8Array>(resolve => {
      listener.services.pubsub.addEventListener('message', event => {
        if (event.detail.topic === ATTESTATION_TOPIC) resolve(event.detail.data)
      })
    })
    // The agent grafts both peers into its mesh within a heartbeat or two;
    // publish until the record comes out on the other side.
    const deadline = Date.now() + 15_000
    let got: Uint8Array | undefined
    while (got == null && Date.now() < deadline) {
      await publisher.services.pubsub.publish(ATTESTATION_TOPIC, record).catch(() => {})
      got = await Promise.race([received, new Promise<undefined>(resolve => setTimeout(() => { resolve(undefined) }, 500))])
    }
    assert.ok(got != null, 'the listener received the record through the agent')
    assert.deepEqual(Buffer.from(got), Buffer.from(record))

    const { body } = await agent.api('GET', '/api/trust/attestations')
    assert.equal(body.attestations.some((att: { issuer: string }) => att.issuer === stranger), false, 'not used for trust')
    assert.equal(body.quarantined.some((att: { issuer: string }) => att.issuer === stranger), true, 'kept only in quarantine')
    assert.ok((await agent.api('GET', '/api/trust/stats')).body.gossip.relayed >= 1)
  })
})
