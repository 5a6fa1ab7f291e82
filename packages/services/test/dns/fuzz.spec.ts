import assert from 'node:assert/strict'
import { createSocket } from 'node:dgram'
import packet from 'dns-packet'
import type { Packet, RecordType } from 'dns-packet'
import type { DnsServer } from '../../src/dns/server.ts'
import { frame } from '../../src/dns/tcp-framing.ts'
import { digShort } from './fixtures/dig.ts'
import { seededRandom, tcpSession } from './fixtures/raw-client.ts'
import { ALICE, eventually, startServer } from './fixtures/server.ts'

const UDP_PACKETS = 10_000
const BATCH = 20
const TCP_CONNECTIONS = 20
const TCP_PACKETS_EACH = 50
const TYPES: RecordType[] = ['A', 'AAAA', 'TXT', 'MX', 'SRV', 'CNAME', 'SOA', 'NS', 'OPT', 'HINFO', 'CAA', 'NULL', 'DS', 'NSEC']

describe('dns: fuzzing', function () {
  this.timeout(30_000)
  let server: DnsServer
  let port: number

  before(async () => {
    ({ server, port } = await startServer())
    server.setCells([ALICE])
    await server.createRecord({ name: 'big.cell', type: 'TXT', data: ['a'.repeat(255), 'b'.repeat(255), 'c'.repeat(255)] })
  })

  after(async () => {
    await server.stop()
  })

  const random = seededRandom(0xce11)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]
  const int = (max: number): number => Math.floor(random() * max)

  function validQuery (): Buffer {
    const query: Packet = {
      type: 'query',
      id: int(65_536),
      // Mostly plain queries; now and then any opcode and flag bits.
      flags: random() < 0.2 ? int(65_536) & 0x7fff : packet.RECURSION_DESIRED,
      questions: [{ name: pick(['alice.cell', 'big.cell', 'cell', 'x.y.cell', 'example.com', '.']), type: pick(TYPES) }]
    }
    if (random() < 0.5) {
      query.additionals = [{ name: '.', type: 'OPT', udpPayloadSize: int(70_000) & 0xffff, extendedRcode: 0, ednsVersion: int(3), flags: 0, flag_do: false, options: [] }]
    }
    return packet.encode(query)
  }

  function mutated (): Buffer {
    const message = Buffer.from(validQuery())
    switch (int(5)) {
      case 0: // flip bytes
        for (let i = 0, n = 1 + int(6); i < n; i++) message[int(message.length)] = int(256)
        return message
      case 1: // cut short
        return message.subarray(0, int(message.length))
      case 2: // lie about section counts
        message.writeUInt16BE(int(65_536), 4 + 2 * int(4))
        return message
      case 3: // compression pointer to anywhere
        message[12] = 0xc0 | int(64)
        message[13] = int(256)
        return message
      default: // trailing garbage
        return Buffer.concat([message, Buffer.from(Array.from({ length: int(300) }, () => int(256)))])
    }
  }

  function randomBytes (): Buffer {
    return Buffer.from(Array.from({ length: int(600) }, () => int(256)))
  }

  const next = (): Buffer => pick([validQuery, mutated, mutated, randomBytes])()

  it('survives random and mutated packets and keeps answering', async () => {
    const socket = createSocket('udp4')
    const undecodable: Buffer[] = []
    let replies = 0
    socket.on('message', reply => {
      replies++
      try {
        if (!packet.decode(reply).flag_qr) undecodable.push(reply)
      } catch {
        undecodable.push(reply)
      }
    })

    // Sender and server share this event loop, and libuv reads at most 32
    // datagrams per turn; small batches with a turn between keep the
    // kernel's receive buffer from overflowing, so nearly every packet
    // reaches the server.
    for (let sent = 0; sent < UDP_PACKETS; sent += BATCH) {
      await Promise.all(Array.from({ length: BATCH }, () => new Promise(resolve => { socket.send(next(), port, '127.0.0.1', resolve) })))
      await new Promise(resolve => setImmediate(resolve))
    }

    const sessions = []
    for (let c = 0; c < TCP_CONNECTIONS; c++) {
      sessions.push(await tcpSession(port, Array.from({ length: TCP_PACKETS_EACH }, () => frame(next()))))
    }
    await eventually(() => server.status().counters.tcpQueries >= TCP_CONNECTIONS * TCP_PACKETS_EACH * 0.5, 10_000)
    for (const session of sessions) session.close()

    await eventually(() => server.status().counters.udpQueries >= UDP_PACKETS * 0.99, 10_000)
    socket.close()

    const { counters } = server.status()
    assert.equal(counters.internalErrors, 0)
    assert.ok(counters.formerr > 0 && counters.dropped > 0, JSON.stringify(counters))
    assert.ok(replies > 0)
    assert.deepEqual(undecodable, [], 'every reply is a decodable response')

    assert.deepEqual(await digShort(port, 'alice.cell', 'AAAA'), [ALICE.ipv6])
    assert.deepEqual(await digShort(port, '+tcp', 'alice.cell', 'A'), [ALICE.ipv4])
  })
})
