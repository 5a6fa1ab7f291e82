import assert from 'node:assert/strict'
import type { DnsServer } from '../../src/dns/server.ts'
import { dig, digShort, digStatus } from './fixtures/dig.ts'
import { startServer } from './fixtures/server.ts'

describe('dns: forwarding to upstream resolvers', () => {
  let upstream: DnsServer
  let front: DnsServer
  let upstreamPort: number
  let port: number

  before(async () => {
    // A second instance of our own server, authoritative for `example`,
    // plays the upstream resolver.
    ({ server: upstream, port: upstreamPort } = await startServer({ zone: 'example' }))
    await upstream.createRecord({ name: 'www.example', type: 'A', data: '192.0.2.10' })
    for (let i = 0; i < 20; i++) {
      await upstream.createRecord({ name: 'big.example', type: 'TXT', data: `${String(i).padStart(2, '0')}${'y'.repeat(198)}` })
    }
    ({ server: front, port } = await startServer({ upstreams: [`127.0.0.1:${upstreamPort}`] }))
  })

  after(async () => {
    await front.stop()
    await upstream.stop()
  })

  it('forwards out-of-zone questions and offers recursion', async () => {
    assert.deepEqual(await digShort(port, 'www.example', 'A'), ['192.0.2.10'])
    const { stdout } = await dig(port, 'www.example', 'A', '+noall', '+comments')
    assert.match(stdout, /flags: qr rd ra;/)
    assert.equal(front.status().counters.forwarded >= 1, true)
  })

  it('relays the upstream NXDOMAIN', async () => {
    assert.equal(await digStatus(port, 'nothing.example', 'A'), 'NXDOMAIN')
  })

  it('retries over TCP when the upstream truncates, and the client gets everything', async () => {
    const tcpBefore = upstream.status().counters.tcpQueries
    assert.equal((await digShort(port, 'big.example', 'TXT')).length, 20)
    assert.ok(upstream.status().counters.tcpQueries > tcpBefore)
  })

  it('refuses queries without RD, since it keeps no cache', async () => {
    assert.equal(await digStatus(port, '+nordflag', 'www.example', 'A'), 'REFUSED')
  })

  it('refuses sources outside forwardSources', async () => {
    const closed = await startServer({ upstreams: [`127.0.0.1:${upstreamPort}`], forwardSources: ['100.64.0.0/10'] })
    try {
      assert.equal(await digStatus(closed.port, 'www.example', 'A'), 'REFUSED')
      assert.equal(closed.server.status().counters.forwardRefused, 1)
    } finally {
      await closed.server.stop()
    }
  })

  it('answers SERVFAIL when every upstream stays silent', async () => {
    const dead = await startServer({ zone: 'dead' })
    const deadPort = dead.port
    await dead.server.stop()

    const lonely = await startServer({ upstreams: [`127.0.0.1:${deadPort}`], limits: { forwardTimeout: 200 } })
    try {
      assert.equal(await digStatus(lonely.port, 'www.example', 'A'), 'SERVFAIL')
      assert.equal(lonely.server.status().counters.forwardFailures, 1)
    } finally {
      await lonely.server.stop()
    }
  })
})
