import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Level } from 'level'
import { LevelRecordStore } from '../../src/dns/level-record-store.ts'
import type { DnsServer } from '../../src/dns/server.ts'
import { dig, digShort, digStatus } from './fixtures/dig.ts'
import { ALICE, startServer } from './fixtures/server.ts'

describe('dns: user records', () => {
  let server: DnsServer
  let port: number

  beforeEach(async () => {
    ({ server, port } = await startServer())
    server.setCells([ALICE])
  })

  afterEach(async () => {
    await server.stop()
  })

  const cases = [
    { input: { name: 'web.cell', type: 'A', data: '100.64.9.9' }, query: ['web.cell', 'A'], expect: ['100.64.9.9'] },
    { input: { name: 'web6.cell', type: 'AAAA', data: 'fdab:bf08:7a36::99' }, query: ['web6.cell', 'AAAA'], expect: ['fdab:bf08:7a36::99'] },
    { input: { name: 'cell', type: 'MX', data: { preference: 10, exchange: 'mail.cell' } }, query: ['cell', 'MX'], expect: ['10 mail.cell.'] },
    { input: { name: 'alice.cell', type: 'TXT', data: 'hello world' }, query: ['alice.cell', 'TXT'], expect: ['"hello world"'] },
    {
      input: { name: '_http._tcp.alice.cell', type: 'SRV', data: { priority: 1, weight: 5, port: 8080, target: 'alice.cell' } },
      query: ['_http._tcp.alice.cell', 'SRV'],
      expect: ['1 5 8080 alice.cell.']
    }
  ]

  for (const { input, query, expect } of cases) {
    it(`serves a ${input.type} record until it is deleted`, async () => {
      const record = await server.createRecord(input)
      assert.deepEqual(await digShort(port, ...query), expect)

      await server.deleteRecord(record.id)
      assert.deepEqual(await digShort(port, ...query), [])
    })
  }

  it('serves a CNAME and follows it inside the zone', async () => {
    const record = await server.createRecord({ name: 'blog.cell', type: 'CNAME', data: 'alice.cell' })
    assert.deepEqual(await digShort(port, 'blog.cell', 'A'), ['100.64.1.1', 'alice.cell.'])
    assert.deepEqual(await digShort(port, 'blog.cell', 'CNAME'), ['alice.cell.'])

    await server.deleteRecord(record.id)
    assert.equal(await digStatus(port, 'blog.cell', 'A'), 'NXDOMAIN')
  })

  it('lets a user RRset replace the generated one of the same type only', async () => {
    await server.createRecord({ name: 'alice.cell', type: 'A', data: '100.64.7.7' })
    assert.deepEqual(await digShort(port, 'alice.cell', 'A'), ['100.64.7.7'])
    assert.deepEqual(await digShort(port, 'alice.cell', 'AAAA'), [ALICE.ipv6])
  })

  it('keeps the TTL given, within bounds', async () => {
    await server.createRecord({ name: 'ttl.cell', type: 'A', data: '100.64.9.1', ttl: 120 })
    const { stdout } = await dig(port, 'ttl.cell', 'A', '+noall', '+answer')
    assert.match(stdout, /^ttl\.cell\.\s+120\s+IN\s+A\s+100\.64\.9\.1$/m)
  })

  it('refuses names outside the zone, naming the field', async () => {
    await assert.rejects(server.createRecord({ name: 'example.com', type: 'A', data: '192.0.2.1' }),
      { code: 'ERR_DNS_VALIDATION', field: 'name' })
  })

  it('refuses a duplicate and a CNAME beside other data', async () => {
    await server.createRecord({ name: 'dup.cell', type: 'TXT', data: 'x' })
    await assert.rejects(server.createRecord({ name: 'dup.cell', type: 'TXT', data: ['x'] }), { code: 'ERR_DNS_RECORD_CONFLICT' })
    await assert.rejects(server.createRecord({ name: 'dup.cell', type: 'CNAME', data: 'alice.cell' }), { code: 'ERR_DNS_RECORD_CONFLICT' })
    assert.equal(server.listRecords().length, 1)
  })

  it('refuses a CNAME at the apex', async () => {
    await assert.rejects(server.createRecord({ name: 'cell', type: 'CNAME', data: 'alice.cell' }), { field: 'name' })
  })

  it('throws a typed error when deleting an unknown id', async () => {
    await assert.rejects(server.deleteRecord('nope'), { code: 'ERR_DNS_RECORD_NOT_FOUND' })
  })

  it('enforces the record limit', async () => {
    const small = await startServer({ limits: { maxRecords: 2 } })
    try {
      await small.server.createRecord({ name: 'a.cell', type: 'A', data: '100.64.0.1' })
      await small.server.createRecord({ name: 'b.cell', type: 'A', data: '100.64.0.2' })
      await assert.rejects(small.server.createRecord({ name: 'c.cell', type: 'A', data: '100.64.0.3' }), { code: 'ERR_DNS_RECORD_LIMIT' })
    } finally {
      await small.server.stop()
    }
  })
})

describe('dns: level record store', () => {
  let dir: string

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cell-dns-'))
  })

  after(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('keeps records across a restart and skips damaged entries', async () => {
    const db = new Level(join(dir, 'db'))
    const sublevel = db.sublevel('dns-records')
    const first = await startServer({ records: new LevelRecordStore(sublevel) })
    const record = await first.server.createRecord({ name: 'kept.cell', type: 'TXT', data: 'persisted' })
    await first.server.stop()

    await sublevel.put('garbage', '{"name": 12}')
    const second = await startServer({ records: new LevelRecordStore(sublevel) })
    try {
      assert.deepEqual(second.server.listRecords().map(r => r.id), [record.id])
      assert.deepEqual(await digShort(second.port, 'kept.cell', 'TXT'), ['"persisted"'])
      await second.server.deleteRecord(record.id)
      assert.deepEqual(await new LevelRecordStore(sublevel).list(), [])
    } finally {
      await second.server.stop()
      await db.close()
    }
  })
})
