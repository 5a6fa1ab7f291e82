import assert from 'node:assert/strict'
import { createSocket } from 'node:dgram'
import { DnsServer } from '../../src/dns/server.ts'
import { digAt, digShort } from './fixtures/dig.ts'
import { ALICE, startServer } from './fixtures/server.ts'

describe('dns: server lifecycle', () => {
  it('binds UDP and TCP on one port, stops, and starts again', async () => {
    const { server, port } = await startServer()
    server.setCells([ALICE])
    assert.deepEqual(await digShort(port, 'alice.cell', 'A'), [ALICE.ipv4])
    assert.deepEqual(await digShort(port, '+tcp', 'alice.cell', 'A'), [ALICE.ipv4])
    await assert.rejects(server.start(), { code: 'ERR_DNS_SERVER_STATE' })

    await server.stop()
    assert.throws(() => server.address(), { code: 'ERR_DNS_SERVER_STATE' })
    assert.equal(server.status().listening, false)

    await server.start()
    assert.deepEqual(await digShort(server.address().port, 'alice.cell', 'A'), [ALICE.ipv4], 'cells survive a restart')
    await server.stop()
  })

  it('fails with a typed error when a fixed port is taken', async () => {
    const holder = createSocket('udp4')
    await new Promise<void>(resolve => { holder.bind(0, '127.0.0.1', resolve) })
    const server = new DnsServer({ host: '127.0.0.1', port: holder.address().port })
    try {
      await assert.rejects(server.start(), { code: 'ERR_DNS_BIND' })
    } finally {
      holder.close()
    }
  })

  it('rejects bad configuration with the field named', () => {
    assert.throws(() => new DnsServer({ upstreams: ['1.2.3.4:99999'] }), { code: 'ERR_DNS_VALIDATION', field: 'upstreams' })
    assert.throws(() => new DnsServer({ forwardSources: ['10.0.0.0/40'] }), { code: 'ERR_DNS_VALIDATION', field: 'forwardSources' })
    assert.throws(() => new DnsServer({ zone: 'not a zone' }), { code: 'ERR_DNS_VALIDATION', field: 'zone' })
  })

  it('serves over IPv6 loopback', async function () {
    const server = new DnsServer({ host: '::1', port: 0 })
    try {
      await server.start()
    } catch (error) {
      process.stdout.write(`      skipped: no IPv6 loopback here (${(error as Error).message})\n`)
      this.skip()
    }
    try {
      server.setCells([ALICE])
      const { stdout } = await digAt('::1', server.address().port, '+short', 'alice.cell', 'AAAA')
      assert.equal(stdout.trim(), ALICE.ipv6)
    } finally {
      await server.stop()
    }
  })
})
