import assert from 'node:assert/strict'
import packet from 'dns-packet'
import type { DnsServer } from '../../src/dns/server.ts'
import { frame } from '../../src/dns/tcp-framing.ts'
import { dig, digShort, digStatus } from './fixtures/dig.ts'
import { tcpSession, udpExchange, udpQuery, udpSend } from './fixtures/raw-client.ts'
import { ALICE, eventually, startServer } from './fixtures/server.ts'

describe('dns: transports and protocol edges', () => {
  let server: DnsServer
  let port: number

  before(async () => {
    ({ server, port } = await startServer({ limits: { tcpIdleTimeout: 300, maxQueryBytes: 512 } }))
    server.setCells([ALICE])
    for (let i = 0; i < 20; i++) {
      await server.createRecord({ name: 'big.cell', type: 'TXT', data: `${String(i).padStart(2, '0')}${'x'.repeat(198)}` })
    }
  })

  after(async () => {
    await server.stop()
  })

  it('answers over TCP', async () => {
    assert.deepEqual(await digShort(port, '+tcp', 'alice.cell', 'AAAA'), [ALICE.ipv6])
  })

  it('sets TC on an oversized UDP answer, and dig retries over TCP for all of it', async () => {
    const { stdout } = await dig(port, '+ignore', 'big.cell', 'TXT', '+noall', '+comments')
    assert.match(stdout, /flags: qr aa tc/)
    assert.match(stdout, /ANSWER: 0/)

    const records = await digShort(port, 'big.cell', 'TXT')
    assert.equal(records.length, 20)
    assert.ok(server.status().counters.truncated >= 1)
  })

  it('caps UDP at 512 bytes without EDNS and at 1232 whatever the client offers', async () => {
    const { stdout: plain } = await dig(port, '+ignore', '+noedns', 'big.cell', 'TXT', '+noall', '+comments')
    assert.match(plain, / tc[ ;]/)

    const reply = await udpExchange(port, packet.encode({
      type: 'query',
      id: 7,
      flags: packet.RECURSION_DESIRED,
      questions: [{ name: 'big.cell', type: 'TXT' }],
      additionals: [{ name: '.', type: 'OPT', udpPayloadSize: 65_000, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }]
    }))
    assert.ok(reply !== undefined && reply.length <= 1232)
    assert.equal(packet.decode(reply).flag_tc, true)
  })

  it('answers ANY with the RFC 8482 minimal HINFO', async () => {
    const { stdout } = await dig(port, 'alice.cell', 'ANY', '+noall', '+answer')
    const lines = stdout.trim().split('\n')
    assert.equal(lines.length, 1)
    assert.match(lines[0], /HINFO\s+"RFC8482" ""/)
    assert.equal(await digStatus(port, 'nobody.cell', 'ANY'), 'NXDOMAIN')
  })

  it('refuses out-of-zone names when no upstream is configured', async () => {
    assert.equal(await digStatus(port, 'example.com', 'A'), 'REFUSED')
  })

  it('refuses zone transfers', async () => {
    const { stdout } = await dig(port, 'cell', 'AXFR')
    assert.match(stdout, /Transfer failed|REFUSED/)
  })

  it('answers BADVERS to an unknown EDNS version', async () => {
    assert.equal(await digStatus(port, '+edns=1', '+noednsnegotiation', 'alice.cell', 'A'), 'BADVERS')
  })

  it('answers FORMERR to two questions and to an undecodable body, and ignores responses', async () => {
    const two = await udpQuery(port, { type: 'query', id: 11, questions: [{ name: 'alice.cell', type: 'A' }, { name: 'alice.cell', type: 'AAAA' }] })
    assert.equal(two?.flags !== undefined && (two.flags & 0xf), 1)

    const body = packet.encode({ type: 'query', id: 12, questions: [{ name: 'alice.cell', type: 'A' }] })
    const broken = await udpExchange(port, body.subarray(0, body.length - 3))
    assert.ok(broken !== undefined)
    assert.equal(packet.decode(broken).id, 12)
    assert.equal(packet.decode(broken).flags! & 0xf, 1)

    // Nothing comes back for these, so the counters tell that they were seen.
    const before = server.status().counters
    const response = packet.encode({ type: 'response', id: 13, questions: [{ name: 'alice.cell', type: 'A' }] })
    await udpSend(port, response)
    await udpSend(port, Buffer.from([1, 2, 3]))
    await eventually(() => {
      const after = server.status().counters
      return after.responsesIgnored === before.responsesIgnored + 1 && after.dropped === before.dropped + 1
    })
  })

  it('answers several pipelined queries on one TCP connection', async () => {
    const queries = [1, 2, 3].map(id => frame(packet.encode({ type: 'query', id, questions: [{ name: 'alice.cell', type: 'A' }] })))
    const session = await tcpSession(port, [Buffer.concat(queries)])
    await eventually(() => session.received.length > 0 && countFrames(session.received) === 3)
    session.close()
    await session.closed
  })

  it('closes idle TCP connections', async () => {
    const before = server.status().counters.tcpIdleTimeouts
    const session = await tcpSession(port, [])
    await session.closed
    assert.equal(server.status().counters.tcpIdleTimeouts, before + 1)
  })

  it('closes a TCP connection that announces an oversized message', async () => {
    const session = await tcpSession(port, [Buffer.from([0x40, 0x00, 1, 2, 3])])
    await session.closed
    assert.equal(server.status().counters.tcpOversized, 1)
  })
})

describe('dns: TCP connection cap', () => {
  it('closes connections beyond maxTcpConnections and counts them', async () => {
    const { server, port } = await startServer({ limits: { maxTcpConnections: 2 } })
    const sessions = [await tcpSession(port, []), await tcpSession(port, [])]
    try {
      await eventually(() => server.status().tcpConnections === 2)
      const third = await tcpSession(port, [])
      await third.closed
      assert.equal(server.status().counters.tcpRejected, 1)
    } finally {
      for (const session of sessions) session.close()
      await server.stop()
    }
  })
})

function countFrames (data: Buffer): number {
  let count = 0
  for (let offset = 0; offset + 2 <= data.length; count++) {
    offset += 2 + data.readUInt16BE(offset)
  }
  return count
}
