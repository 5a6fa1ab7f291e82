/**
 * A record that reaches a cell by sync is news to its neighbours too: the
 * cell gossips it on when it is recent, so cells that were cut off from
 * the original gossip get it without a sync round of their own. Old
 * records (history that a new cell syncs in bulk) are stored but not
 * gossiped again.
 */
import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { lpStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { sealRecord } from '@cell/trust'
import { ATTESTATION_TOPIC, RELAY_MAX_AGE, SYNC_PROTOCOL } from '../../packages/agent/src/trust/constants.ts'
import { trustGossipOptions } from '../../packages/agent/src/trust/gossip-options.ts'
import { startAgent, stopAll } from '../fixtures/agent-process.ts'
import { createTestNode } from '../fixtures/libp2p-node.ts'
import { waitFor } from '../fixtures/wait.ts'
import type { CellLibp2p } from '../../packages/agent/src/p2p/libp2p-node.ts'
import type { AgentHandle } from '../fixtures/agent-process.ts'
import type { PrivateKey } from '@libp2p/interface'

const VECTOR = 1
const RECORD = 2
const END = 3

const frame = (type: number, body: Uint8Array = new Uint8Array()): Uint8Array => {
  const out = new Uint8Array(body.byteLength + 1)
  out[0] = type
  out.set(body, 1)
  return out
}

describe('gossiping on records that arrive by sync', function () {
  this.timeout(60_000)
  let agent: AgentHandle
  let agentAddress: ReturnType<typeof multiaddr>
  let feederKey: PrivateKey
  let feeder: CellLibp2p
  let listener: CellLibp2p
  const heard: string[] = []

  /** One sync session as initiator that wants nothing and hands the agent `records`. */
  const syncInto = async (records: Uint8Array[]): Promise<void> => {
    const stream = await feeder.dialProtocol(agentAddress, SYNC_PROTOCOL, { signal: AbortSignal.timeout(5000) })
    const lp = lpStream(stream)
    await lp.write(frame(VECTOR, new TextEncoder().encode('[]')))
    for (let i = 0; i < 100; i++) {
      if ((await lp.read({ signal: AbortSignal.timeout(5000) })).subarray()[0] === END) break
    }
    for (const record of records) await lp.write(frame(RECORD, record))
    await lp.write(frame(END))
    await stream.close()
  }

  /** A full attestation by the feeder of a fresh subject, made at `notBefore`. */
  const attestation = async (notBefore: number): Promise<Uint8Array> => sealRecord(feederKey, 'attestation', {
    issuer: feeder.peerId.toString(),
    subject: peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString(),
    level: 'full',
    scopes: ['*'],
    maxDepth: 1,
    seq: notBefore,
    notBefore,
    notAfter: Date.now() + 3_600_000
  })

  before(async () => {
    agent = await startAgent()
    agentAddress = multiaddr((await agent.multiaddrs())[0])
    feederKey = await generateKeyPair('Ed25519')
    feeder = await createTestNode({ privateKey: feederKey })
    listener = await createTestNode({ gossipsub: trustGossipOptions(() => 0) })
    listener.services.pubsub.subscribe(ATTESTATION_TOPIC)
    listener.services.pubsub.addEventListener('message', event => {
      if (event.detail.topic === ATTESTATION_TOPIC) heard.push(Buffer.from(event.detail.data).toString('hex'))
    })
    await listener.dial(agentAddress)
    await feeder.dial(agentAddress)
    const agentId = await agent.cellId()
    await waitFor(() => listener.services.pubsub.getSubscribers(ATTESTATION_TOPIC).some(peer => peer.toString() === agentId),
      { what: 'the agent to subscribe', timeout: 15_000 })
    // The agent keeps the feeder's records only once its store's horizon
    // holds the feeder (itself and the feeder: two cells); before that a
    // synced record would be quarantined, not forwarded.
    assert.equal((await agent.api('POST', '/api/trust/attestations', { cell: feeder.peerId.toString() })).status, 201)
    await waitFor(async () => (await agent.api('GET', '/api/trust/stats')).body.store.horizon === 2, { what: 'the agent\'s horizon to take in the feeder' })
  })

  after(async () => {
    await feeder?.stop()
    await listener?.stop()
    await stopAll()
  })

  it('gossips a recent record it got by sync to a neighbour that never saw it', async () => {
    const record = await attestation(Date.now())
    await syncInto([record])

    await waitFor(() => heard.includes(Buffer.from(record).toString('hex')), { what: 'the listener to hear the synced record', timeout: 15_000 })
    const stats = (await agent.api('GET', '/api/trust/stats')).body
    assert.equal(stats.gossip.forwardedFromSync, 1)
  })

  it('stores an old record from sync but does not gossip it again', async () => {
    const record = await attestation(Date.now() - RELAY_MAX_AGE - 60_000)
    await syncInto([record])

    const issuer = feeder.peerId.toString()
    await waitFor(async () => {
      const { body } = await agent.api('GET', '/api/trust/attestations')
      return body.attestations.filter((att: { issuer: string }) => att.issuer === issuer).length === 2
    }, { what: 'the agent to store the old record' })
    const stats = (await agent.api('GET', '/api/trust/stats')).body
    assert.equal(stats.gossip.forwardedFromSync, 1, 'only the recent record was forwarded')
  })
})
