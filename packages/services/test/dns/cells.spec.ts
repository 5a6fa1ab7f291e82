import assert from 'node:assert/strict'
import type { DnsServer } from '../../src/dns/server.ts'
import { shortCellId } from '../../src/dns/cells.ts'
import packet from 'dns-packet'
import { dig, digShort, digStatus } from './fixtures/dig.ts'
import { udpExchange } from './fixtures/raw-client.ts'
import { ALICE, SELF, startServer } from './fixtures/server.ts'

describe('dns: names of trusted cells', () => {
  let server: DnsServer
  let port: number

  beforeEach(async () => {
    ({ server, port } = await startServer())
    server.setCells([SELF, ALICE])
  })

  afterEach(async () => {
    await server.stop()
  })

  it('answers A and AAAA for <name>.cell with the overlay addresses', async () => {
    assert.deepEqual(await digShort(port, 'alice.cell', 'AAAA'), [ALICE.ipv6])
    assert.deepEqual(await digShort(port, 'alice.cell', 'A'), [ALICE.ipv4])
    assert.deepEqual(await digShort(port, 'ALICE.Cell.', 'A'), [ALICE.ipv4], 'names are case-insensitive')
  })

  it('marks answers authoritative', async () => {
    const { stdout } = await dig(port, 'alice.cell', 'A', '+noall', '+comments')
    assert.match(stdout, /flags: qr aa/)
  })

  it('answers NXDOMAIN with the SOA once a cell is no longer trusted', async () => {
    server.setCells([SELF])
    assert.equal(await digStatus(port, 'alice.cell', 'AAAA'), 'NXDOMAIN')

    // RFC 2308 section 3: the SOA rides in the authority section.
    const { stdout } = await dig(port, 'alice.cell', 'AAAA', '+noall', '+authority')
    assert.match(stdout, /^cell\.\s+60\s+IN\s+SOA\s+ns\.cell\. hostmaster\.cell\. \d+/m)
  })

  it('answers NODATA for a type the cell lacks', async () => {
    server.setCells([{ ...ALICE, ipv4: undefined }])
    assert.equal(await digStatus(port, 'alice.cell', 'A'), 'NOERROR')
    assert.deepEqual(await digShort(port, 'alice.cell', 'A'), [])
  })

  it('gives a contested name to the closer cell and keeps both under their short ids', async () => {
    const far = { cellId: '12D3KooWFarAway00000000000000BOB01', name: 'bob', ipv4: '100.64.2.1', distance: 3 }
    const near = { cellId: '12D3KooWZNearby0000000000000BOB02', name: 'bob', ipv4: '100.64.2.2', distance: 1 }
    server.setCells([far, near])

    assert.deepEqual(await digShort(port, 'bob.cell', 'A'), [near.ipv4])
    assert.deepEqual(await digShort(port, `bob.${shortCellId(far.cellId)}.cell`, 'A'), [far.ipv4])
    assert.deepEqual(await digShort(port, `bob.${shortCellId(near.cellId)}.cell`, 'A'), [near.ipv4])
  })

  it('breaks a distance tie by the lower cell id, whatever the input order', async () => {
    const low = { cellId: '12D3KooWAaaa00000000000000000CAR01', name: 'carol', ipv4: '100.64.3.1', distance: 2 }
    const high = { cellId: '12D3KooWBbbb00000000000000000CAR02', name: 'carol', ipv4: '100.64.3.2', distance: 2 }
    server.setCells([high, low])
    assert.deepEqual(await digShort(port, 'carol.cell', 'A'), [low.ipv4])
    server.setCells([low, high])
    assert.deepEqual(await digShort(port, 'carol.cell', 'A'), [low.ipv4])
  })

  it('uses the last eight characters of the id, lowercased, as short id', () => {
    assert.equal(shortCellId('12D3KooWAlice000000000000A1ICE001'), 'a1ice001')
  })

  it('serves the empty non-terminal <short-id>.cell as NODATA, not NXDOMAIN', async () => {
    assert.equal(await digStatus(port, `${shortCellId(ALICE.cellId)}.cell`, 'A'), 'NOERROR')
  })

  it('serves SOA and NS at the apex, with ns.cell pointing at the cell itself', async () => {
    assert.deepEqual(await digShort(port, 'cell', 'NS'), ['ns.cell.'])
    assert.equal((await digShort(port, 'cell', 'SOA')).length, 1)
    assert.deepEqual(await digShort(port, 'ns.cell', 'A'), [SELF.ipv4])
  })

  it('skips and reports invalid cells without dropping the valid ones', async () => {
    const rejected = server.setCells([ALICE, { cellId: '12D3KooWBad000000000000000000BAD01', name: 'not a label', distance: 1 }, { name: 'x' }])
    assert.equal(rejected.length, 2)
    assert.equal(rejected[0].field, 'name')
    assert.deepEqual(await digShort(port, 'alice.cell', 'A'), [ALICE.ipv4])
  })

  it('never replays a cached answer after the zone changed', async () => {
    // Identical bytes hit the encoded-answer cache (dig adds a random
    // cookie per run, so it never does).
    const query = packet.encode({ type: 'query', id: 5, flags: packet.RECURSION_DESIRED, questions: [{ name: 'alice.cell', type: 'A' }] })
    const addresses = async (): Promise<string[]> => {
      const reply = await udpExchange(port, query)
      assert.ok(reply !== undefined)
      return (packet.decode(reply).answers ?? []).map(answer => String((answer as { data?: unknown }).data))
    }

    const hits = server.status().counters.answerCacheHits
    assert.deepEqual(await addresses(), [ALICE.ipv4])
    assert.deepEqual(await addresses(), [ALICE.ipv4])
    assert.equal(server.status().counters.answerCacheHits, hits + 1)
    server.setCells([{ ...ALICE, ipv4: '100.64.1.2' }])
    assert.deepEqual(await addresses(), ['100.64.1.2'])
    await server.createRecord({ name: 'alice.cell', type: 'A', data: '100.64.1.3' })
    assert.deepEqual(await addresses(), ['100.64.1.3'])
  })

  it('bumps the SOA serial on every change', () => {
    const before = server.status().zone.serial
    server.setCells([SELF])
    assert.ok(server.status().zone.serial > before)
  })
})
