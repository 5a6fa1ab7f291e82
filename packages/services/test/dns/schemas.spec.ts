import assert from 'node:assert/strict'
import { DnsValidationError } from '../../src/dns/errors.ts'
import { parseRecordInput } from '../../src/dns/schemas.ts'

function fieldOf (input: unknown): string {
  try {
    parseRecordInput(input)
  } catch (error) {
    assert.ok(error instanceof DnsValidationError)
    assert.equal(error.code, 'ERR_DNS_VALIDATION')
    return error.field
  }
  assert.fail('input was accepted')
}

describe('dns: record schemas', () => {
  it('normalises names and fills the default TTL', () => {
    const record = parseRecordInput({ name: 'Web.Cell.', type: 'A', data: '100.64.0.1' })
    assert.deepEqual(record, { name: 'web.cell', type: 'A', data: '100.64.0.1', ttl: 300 })
  })

  it('names the offending field', () => {
    assert.equal(fieldOf({ name: 'bad_label.cell', type: 'A', data: '100.64.0.1' }), 'name')
    assert.equal(fieldOf({ name: `${'a'.repeat(64)}.cell`, type: 'A', data: '100.64.0.1' }), 'name')
    assert.equal(fieldOf({ name: `${'abc.'.repeat(64)}cell`, type: 'A', data: '100.64.0.1' }), 'name')
    assert.equal(fieldOf({ name: 'x.cell', type: 'A', data: '300.1.1.1' }), 'data')
    assert.equal(fieldOf({ name: 'x.cell', type: 'AAAA', data: '100.64.0.1' }), 'data')
    assert.equal(fieldOf({ name: 'x.cell', type: 'A', data: '100.64.0.1', ttl: 59 }), 'ttl')
    assert.equal(fieldOf({ name: 'x.cell', type: 'A', data: '100.64.0.1', ttl: 604_801 }), 'ttl')
    assert.equal(fieldOf({ name: 'x.cell', type: 'MX', data: { preference: 70_000, exchange: 'm.cell' } }), 'data.preference')
    assert.equal(fieldOf({ name: 'x.cell', type: 'SRV', data: { priority: 0, weight: 0, port: -1, target: 's.cell' } }), 'data.port')
    assert.equal(fieldOf({ name: 'x.cell', type: 'SRV', data: { priority: 0, weight: 1.5, port: 1, target: 's.cell' } }), 'data.weight')
    assert.equal(fieldOf({ name: 'x.cell', type: 'TXT', data: 'x'.repeat(256) }), 'data')
    assert.equal(fieldOf({ name: 'x.cell', type: 'PTR', data: 'x.cell' }), 'type')
  })

  it('accepts service labels with a leading underscore', () => {
    assert.equal(parseRecordInput({ name: '_sip._udp.cell', type: 'SRV', data: { priority: 0, weight: 0, port: 5060, target: 'sip.cell' } }).name, '_sip._udp.cell')
  })
})
