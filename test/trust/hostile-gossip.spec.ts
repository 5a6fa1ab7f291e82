/**
 * Hostile gossip against a real agent process. An attacker node (in this
 * test process, real TCP on loopback, the agent's own gossip settings)
 * publishes forged, misattributed, cross-domain, expired, replayed,
 * oversized and random records. Each is refused and counted, none is
 * stored, and the attacker's gossipsub score at the agent goes negative.
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { sealRecord } from '@cell/trust'
import { FieldReader, FieldWriter } from '../../packages/trust/src/codec/fields.ts'
import { ATTESTATION_TOPIC } from '../../packages/agent/src/trust/constants.ts'
import { trustGossipOptions } from '../../packages/agent/src/trust/gossip-options.ts'
import { startAgent, stopAll } from '../fixtures/agent-process.ts'
import { createTestNode } from '../fixtures/libp2p-node.ts'
import { waitFor } from '../fixtures/wait.ts'
import type { CellLibp2p } from '../../packages/agent/src/p2p/libp2p-node.ts'
import type { AgentHandle } from '../fixtures/agent-process.ts'
import type { Attestation } from '@cell/trust'
import type { Ed25519PrivateKey } from '@libp2p/interface'

const DAY = 86_400_000

function split (envelope: Uint8Array): Uint8Array[] {
  const reader = new FieldReader(envelope)
  return [reader.bytes(), reader.bytes(), reader.bytes(), reader.bytes()]
}

function join (parts: Uint8Array[]): Uint8Array {
  const writer = new FieldWriter()
  for (const part of parts) writer.bytes(part)
  return writer.finish()
}

describe('hostile gossip against an agent', function () {
  this.timeout(60_000)
  let agent: AgentHandle
  let attacker: CellLibp2p
  let friendKey: Ed25519PrivateKey
  let friendId: string
  let agentId: string

  const attestation = (overrides: Partial<Attestation>): Attestation => {
    const now = Date.now()
    return { issuer: friendId, subject: agentId, level: 'full', scopes: ['*'], maxDepth: 1, seq: now, notBefore: now - 1000, notAfter: now + DAY, ...overrides }
  }

  before(async () => {
    agent = await startAgent()
    agentId = await agent.cellId()

    // A cell the agent trusts, whose key the test holds: its records are
    // inside the agent's horizon, so they are stored when valid.
    friendKey = await generateKeyPair('Ed25519')
    friendId = peerIdFromPrivateKey(friendKey).toString()
    assert.equal((await agent.api('POST', '/api/trust/attestations', { cell: friendId })).status, 201)

    attacker = await createTestNode({ gossipsub: trustGossipOptions(() => 0) })
    attacker.services.pubsub.subscribe(ATTESTATION_TOPIC)
    await attacker.dial(multiaddr((await agent.multiaddrs())[0]))
    await waitFor(() => attacker.services.pubsub.getSubscribers(ATTESTATION_TOPIC).some(peer => peer.toString() === agentId),
      { what: 'the agent to subscribe' })
  })

  after(async () => {
    await attacker?.stop()
    await stopAll()
  })

  it('refuses each kind of bad record, counts it, stores nothing, and scores the sender down', async () => {
    const valid = sealRecord(friendKey, 'attestation', attestation({ seq: Date.now() }))
    const older = sealRecord(friendKey, 'attestation', attestation({ seq: Date.now() - 60_000 }))
    const [key, type, payload, signature] = split(valid)

    const flipped = Uint8Array.from(payload)
    flipped[flipped.length - 1] ^= 1
    const forged = join([key, type, flipped, signature])

    const otherKey = await generateKeyPair('Ed25519')
    const otherId = peerIdFromPrivateKey(otherKey).toString()
    const [foreignKeyField] = split(sealRecord(otherKey, 'attestation', { ...attestation({}), issuer: otherId }))
    const wrongIssuer = join([foreignKeyField, type, payload, signature])

    const crossDomain = new FieldWriter().string('pic-peer-record').bytes(type).bytes(payload).finish()
    const wrongDomain = join([key, type, payload, friendKey.sign(crossDomain) as Uint8Array])

    const expired = sealRecord(friendKey, 'attestation', attestation({ seq: Date.now() + 1, notBefore: Date.now() - 3 * DAY, notAfter: Date.now() - DAY }))
    const oversized = randomBytes(8 * 1024)
    const garbage = randomBytes(300)

    const pubsub = attacker.services.pubsub
    const publish = async (data: Uint8Array): Promise<void> => { await pubsub.publish(ATTESTATION_TOPIC, data).catch(() => {}) }
    await publish(valid)
    await waitFor(async () => (await agent.api('GET', '/api/trust/attestations')).body.attestations.some((att: Attestation) => att.issuer === friendId),
      { what: 'the valid record to be stored' })
    for (const bad of [forged, wrongIssuer, wrongDomain, expired, older, oversized, garbage]) {
      await publish(bad)
    }

    const stats = await waitFor(async () => {
      const { body } = await agent.api('GET', '/api/trust/stats')
      const rejected = body.store.rejected
      const ready = rejected.ERR_SIGNATURE_INVALID >= 1 && rejected.ERR_WRONG_ISSUER >= 1 && rejected.ERR_WRONG_DOMAIN >= 1 &&
        rejected.ERR_RECORD_TOO_LARGE >= 1 && rejected.ERR_RECORD_MALFORMED >= 1 &&
        body.store.ignored.ERR_RECORD_EXPIRED >= 1 && body.store.stale >= 1
      return ready ? body : undefined
    }, { timeout: 10_000, what: 'every bad record to be counted' })
    assert.ok(stats.gossip.reject >= 5, JSON.stringify(stats.gossip))
    assert.ok(stats.gossip.ignore >= 2, JSON.stringify(stats.gossip))

    const { body } = await agent.api('GET', '/api/trust/attestations')
    const fromFriend = body.attestations.filter((att: Attestation) => att.issuer === friendId)
    assert.equal(fromFriend.length, 1, 'only the one valid record of the friend is stored')
    assert.equal(body.quarantined.length, 0, 'nothing landed in quarantine either')

    const score = await waitFor(async () => {
      const current = (await agent.api('GET', '/api/trust/stats')).body.scores[attacker.peerId.toString()]
      return typeof current === 'number' && current < 0 ? current : undefined
    }, { timeout: 5_000, what: 'the attacker score to drop below zero' })
    assert.ok(score < 0)

    const health = await fetch(`${agent.url}/health`)
    assert.equal(health.status, 200, 'the agent is still up')
  })
})
