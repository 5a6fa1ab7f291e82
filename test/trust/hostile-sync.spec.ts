/**
 * Hostile sync sessions against a real agent: garbage frames, malformed
 * version vectors, oversized frames and forged records inside an otherwise
 * well-formed session. The agent drops each session, stores nothing bad,
 * and keeps answering honest syncs.
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { lpStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { SYNC_PROTOCOL } from '../../packages/agent/src/trust/constants.ts'
import { startAgent, stopAll } from '../fixtures/agent-process.ts'
import { createTestNode } from '../fixtures/libp2p-node.ts'
import type { CellLibp2p } from '../../packages/agent/src/p2p/libp2p-node.ts'
import type { AgentHandle } from '../fixtures/agent-process.ts'

const encode = (type: number, body: Uint8Array | string): Uint8Array => {
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body
  const frame = new Uint8Array(bytes.byteLength + 1)
  frame[0] = type
  frame.set(bytes, 1)
  return frame
}

describe('hostile sync sessions against an agent', function () {
  this.timeout(60_000)
  let agent: AgentHandle
  let attacker: CellLibp2p

  before(async () => {
    agent = await startAgent()
    attacker = await createTestNode()
    await attacker.dial(multiaddr((await agent.multiaddrs())[0]))
  })

  after(async () => {
    await attacker?.stop()
    await stopAll()
  })

  const session = async (frames: Uint8Array[]): Promise<string> => {
    const stream = await attacker.dialProtocol(multiaddr((await agent.multiaddrs())[0]), SYNC_PROTOCOL, { signal: AbortSignal.timeout(5000) })
    const lp = lpStream(stream, { maxDataLength: 8 * 1024 * 1024 })
    try {
      for (const frame of frames) await lp.write(frame, { signal: AbortSignal.timeout(5000) })
      // Read until the agent ends or drops the session.
      for (let i = 0; i < 100; i++) await lp.read({ signal: AbortSignal.timeout(5000) })
      return 'open'
    } catch (err) {
      return (err as Error).name
    } finally {
      stream.abort(new Error('test done'))
    }
  }

  const cases: Array<[string, Uint8Array[]]> = [
    ['random bytes instead of a vector', [randomBytes(64)]],
    ['a vector that is not JSON', [encode(1, '{not json')]],
    ['a vector of the wrong shape', [encode(1, '{"a":1}')]],
    ['vector entries of the wrong types', [encode(1, '[["x","1",2],[3]]')]],
    ['an issuer name of 10 kB', [encode(1, JSON.stringify([['x'.repeat(10_000), 1, 1]]))]],
    ['a record frame first', [encode(2, randomBytes(100))]],
    ['forged records after a valid vector', [encode(1, '[]'), encode(2, randomBytes(200)), encode(2, randomBytes(5000)), encode(3, '')]],
    ['an unknown frame type', [encode(1, '[]'), encode(9, 'zz')]],
    ['a frame over the size cap', [encode(1, '[]'), encode(2, randomBytes(5 * 1024 * 1024))]]
  ]

  for (const [name, frames] of cases) {
    it(`survives ${name}`, async () => {
      await session(frames)
      const health = await fetch(`${agent.url}/health`)
      assert.equal(health.status, 200)
    })
  }

  it('stored nothing from any of it and still serves an honest sync', async () => {
    const { body } = await agent.api('GET', '/api/trust/attestations')
    assert.equal(body.attestations.length, 0)
    assert.equal(body.quarantined.length, 0)
    const stats = (await agent.api('GET', '/api/trust/stats')).body
    assert.ok(stats.store.rejected.ERR_RECORD_MALFORMED >= 1 || stats.store.rejected.ERR_RECORD_TOO_LARGE >= 1, JSON.stringify(stats.store))

    // An honest initiator that holds nothing and wants the agent's records:
    // the agent answers with its vector, its own records (at least its peer
    // record), then the end marker.
    const stream = await attacker.dialProtocol(multiaddr((await agent.multiaddrs())[0]), SYNC_PROTOCOL, { signal: AbortSignal.timeout(5000) })
    const lp = lpStream(stream)
    await lp.write(encode(1, JSON.stringify([[await agent.cellId(), -1, 0]])))
    const types: number[] = []
    for (let i = 0; i < 100 && types.at(-1) !== 3; i++) {
      types.push((await lp.read({ signal: AbortSignal.timeout(5000) })).subarray()[0])
    }
    await lp.write(encode(3, ''))
    await stream.close()
    assert.equal(types[0], 1, 'a version vector first')
    assert.ok(types.filter(type => type === 2).length >= 1, 'at least the agent\'s peer record')
    assert.equal(types.at(-1), 3, 'then the end marker')
  })
})
