/**
 * The user's DNS records through a real agent: added by the API and by the
 * CLI, served to dig, gone after delete; bad input answered 400 naming the
 * field; and the server still answering after a burst of garbage packets.
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { createSocket } from 'node:dgram'
import { stopAll } from '../fixtures/agent-process.ts'
import { waitFor } from '../fixtures/wait.ts'
import { dig, dnsPort, namedAgent } from './helpers.ts'
import type { AgentHandle } from '../fixtures/agent-process.ts'

describe('DNS records through the agent', function () {
  this.timeout(60_000)
  let agent: AgentHandle
  let port: number

  before(async () => {
    agent = await namedAgent('carol')
    port = await dnsPort(agent)
  })

  after(async () => { await stopAll() })

  it('serves a record added through the API until it is deleted by id', async () => {
    const created = await agent.api('POST', '/api/dns/records', { name: 'blog.cell', type: 'A', data: '192.0.2.10', ttl: 120 })
    assert.equal(created.status, 201, JSON.stringify(created.body))
    assert.deepEqual((await dig(port, 'blog.cell', 'A')).answers, ['192.0.2.10'])

    const listed = await agent.api('GET', '/api/dns/records')
    assert.ok(listed.body.records.some((record: { id: string }) => record.id === created.body.record.id))

    const deleted = await agent.api('DELETE', `/api/dns/records/${created.body.record.id as string}`)
    assert.equal(deleted.status, 200, JSON.stringify(deleted.body))
    assert.equal((await dig(port, 'blog.cell', 'A')).status, 'NXDOMAIN')
    assert.equal((await agent.api('DELETE', `/api/dns/records/${created.body.record.id as string}`)).status, 404)
  })

  it('adds MX, SRV and TXT records with the CLI and removes them by name and type', async () => {
    const mx = await agent.cli(['dns', 'add', 'cell', 'MX', '10 mail.cell'])
    assert.equal(mx.code, 0, mx.stderr)
    const srv = await agent.cli(['dns', 'add', '_imap._tcp.cell', 'srv', '0 5 993 mail.cell', '--ttl', '600'])
    assert.equal(srv.code, 0, srv.stderr)
    const txt = await agent.cli(['dns', 'add', 'cell', 'TXT', 'v=spf1 -all'])
    assert.equal(txt.code, 0, txt.stderr)

    assert.deepEqual((await dig(port, 'cell', 'MX')).answers, ['10 mail.cell.'])
    assert.deepEqual((await dig(port, '_imap._tcp.cell', 'SRV')).answers, ['0 5 993 mail.cell.'])
    assert.deepEqual((await dig(port, 'cell', 'TXT')).answers, ['"v=spf1 -all"'])

    const listed = await agent.cli(['dns', 'list', '--json'])
    assert.equal(JSON.parse(listed.stdout).length, 3)

    const removed = await agent.cli(['dns', 'rm', 'cell', 'MX'])
    assert.equal(removed.code, 0, removed.stderr)
    assert.match(removed.stdout, /removed cell MX 10 mail\.cell/)
    assert.equal((await dig(port, 'cell', 'MX')).answers.length, 0)

    const byValue = await agent.api('DELETE', '/api/dns/records', { name: '_imap._tcp.cell', type: 'SRV', data: { priority: 0, weight: 5, port: 993, target: 'mail.cell' } })
    assert.equal(byValue.status, 200, JSON.stringify(byValue.body))
    assert.equal((await dig(port, '_imap._tcp.cell', 'SRV')).status, 'NXDOMAIN')

    const id = JSON.parse((await agent.cli(['dns', 'list', '--json'])).stdout)[0].id
    assert.equal((await agent.cli(['dns', 'rm', id])).code, 0)
    assert.equal((await dig(port, 'cell', 'TXT')).answers.length, 0)
  })

  it('refuses bad records with 400 naming the field, and conflicts with 409', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ name: 'x.cell', type: 'A', data: '192.0.2.1', ttl: 5 }, /body\.ttl/],
      [{ name: 'bad..name.cell', type: 'A', data: '192.0.2.1' }, /body\.name/],
      [{ name: 'x.cell', type: 'A', data: 'not-an-ip' }, /body\.data/],
      [{ name: 'x.cell', type: 'MX', data: { preference: 70000, exchange: 'mail.cell' } }, /body\.data\.preference/],
      [{ name: 'x.cell', type: 'SRV', data: { priority: 0, weight: 0, port: -1, target: 'a.cell' } }, /body\.data\.port/],
      [{ name: 'x.cell', type: 'PTR', data: 'a.cell' }, /body\.type/]
    ]
    for (const [body, field] of cases) {
      const response = await agent.api('POST', '/api/dns/records', body)
      assert.equal(response.status, 400, JSON.stringify(body))
      assert.equal(response.body.error.code, 'ERR_INVALID_INPUT')
      assert.match(response.body.error.message, field)
    }

    const outside = await agent.api('POST', '/api/dns/records', { name: 'www.example.com', type: 'A', data: '192.0.2.1' })
    assert.equal(outside.status, 400)
    assert.equal(outside.body.error.field, 'name')

    const cli = await agent.cli(['dns', 'add', 'x.cell', 'MX', 'mail.cell'])
    assert.equal(cli.code, 2)
    assert.match(cli.stderr, /PREFERENCE EXCHANGE/)

    assert.equal((await agent.api('POST', '/api/dns/records', { name: 'dup.cell', type: 'A', data: '192.0.2.2' })).status, 201)
    const duplicate = await agent.api('POST', '/api/dns/records', { name: 'dup.cell', type: 'A', data: '192.0.2.2' })
    assert.equal(duplicate.status, 409)
    assert.equal(duplicate.body.error.code, 'ERR_DNS_RECORD_CONFLICT')
    assert.equal((await agent.api('DELETE', '/api/dns/records', { name: 'nothing.cell', type: 'A' })).status, 404)
  })

  it('still answers after 1,000 garbage UDP packets', async () => {
    const socket = createSocket('udp4')
    for (let i = 0; i < 1000; i++) {
      const packet = randomBytes(1 + (i % 600))
      await new Promise<void>((resolve, reject) => { socket.send(packet, port, '127.0.0.1', err => { err == null ? resolve() : reject(err) }) })
    }
    socket.close()

    // A datagram can be lost right after such a burst (the loopback queue
    // here drops the first one), so ask again the way a stub resolver would.
    const answer = await waitFor(async () => {
      const result = await dig(port, 'carol.cell', 'AAAA', ['+time=1'])
      return result.status === 'NOERROR' ? result : undefined
    }, { timeout: 10_000, what: 'the DNS server to answer after the garbage' })
    assert.equal(answer.answers.length, 1)
    const { body } = await agent.api('GET', '/api/services/status')
    const dns = body.services.find((service: { name: string }) => service.name === 'dns')
    assert.equal(dns.state, 'running')
    assert.equal(dns.details.counters.internalErrors, 0)
    // The garbage did reach the server: answered FORMERR or dropped.
    assert.ok(dns.details.counters.formerr + dns.details.counters.dropped >= 100, JSON.stringify(dns.details.counters))
  })
})
