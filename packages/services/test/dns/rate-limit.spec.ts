import assert from 'node:assert/strict'
import { createSocket } from 'node:dgram'
import packet from 'dns-packet'
import { RateLimiter } from '../../src/dns/rate-limiter.ts'
import { digStatus } from './fixtures/dig.ts'
import { ALICE, eventually, startServer } from './fixtures/server.ts'

async function flood (port: number, count: number): Promise<{ replies: () => number, close: () => void }> {
  const socket = createSocket('udp4')
  let replies = 0
  socket.on('message', () => { replies++ })
  for (let id = 0; id < count; id++) {
    socket.send(packet.encode({ type: 'query', id, questions: [{ name: 'alice.cell', type: 'A' }] }), port, '127.0.0.1')
  }
  return { replies: () => replies, close: () => { socket.close() } }
}

describe('dns: per-source rate limit', () => {
  it('drops UDP queries beyond the burst and refuses over TCP', async () => {
    const { server, port } = await startServer({ limits: { rateLimitPerSecond: 1, rateLimitBurst: 10, rateLimitExempt: [] } })
    server.setCells([ALICE])
    const sent = await flood(port, 40)
    try {
      await eventually(() => server.status().counters.udpQueries === 40)
      const { rateLimited } = server.status().counters
      assert.ok(rateLimited >= 29 && rateLimited <= 30, `rate limited ${rateLimited}`)
      await eventually(() => sent.replies() === 40 - rateLimited)

      assert.equal(await digStatus(port, '+tcp', 'alice.cell', 'A'), 'REFUSED')
    } finally {
      sent.close()
      await server.stop()
    }
  })

  it('leaves loopback alone by default', async () => {
    const { server, port } = await startServer({ limits: { rateLimitPerSecond: 1, rateLimitBurst: 1 } })
    server.setCells([ALICE])
    const sent = await flood(port, 40)
    try {
      await eventually(() => sent.replies() === 40)
      assert.equal(server.status().counters.rateLimited, 0)
    } finally {
      sent.close()
      await server.stop()
    }
  })
})

describe('dns: rate limiter', () => {
  it('refills at the configured rate', () => {
    let now = 0
    const limiter = new RateLimiter({ perSecond: 2, burst: 2, maxSources: 10, now: () => now })
    assert.equal(limiter.take('a'), true)
    assert.equal(limiter.take('a'), true)
    assert.equal(limiter.take('a'), false)
    now += 500
    assert.equal(limiter.take('a'), true)
    assert.equal(limiter.take('a'), false)
  })

  it('remembers at most maxSources, forgetting the least recently seen', () => {
    const now = 0
    const limiter = new RateLimiter({ perSecond: 1, burst: 1, maxSources: 3, now: () => now })
    for (const source of ['a', 'b', 'c']) limiter.take(source)
    limiter.take('a')
    limiter.take('d')
    assert.equal(limiter.size, 3)
    assert.equal(limiter.take('a'), false, 'a was touched recently and kept its empty bucket')
    assert.equal(limiter.take('b'), true, 'b was evicted and starts full')
  })
})
