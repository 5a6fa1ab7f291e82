import assert from 'node:assert/strict'
import { FieldReader, FieldWriter } from '../../src/codec/fields.ts'

describe('codec/fields', () => {
  it('round-trips integers, bytes, strings and lists', () => {
    const bytes = new FieldWriter().uint(0).uint(300).uint(Number.MAX_SAFE_INTEGER).bytes(Uint8Array.of(1, 2)).string('é').strings(['a', 'bc']).finish()
    const reader = new FieldReader(bytes)
    assert.equal(reader.uint(), 0)
    assert.equal(reader.uint(), 300)
    assert.equal(reader.uint(), Number.MAX_SAFE_INTEGER)
    assert.deepEqual(reader.bytes(), Uint8Array.of(1, 2))
    assert.equal(reader.string(), 'é')
    assert.deepEqual(reader.strings(4), ['a', 'bc'])
    reader.end()
  })

  it('refuses non-canonical, truncated and oversized fields', () => {
    assert.throws(() => new FieldReader(Uint8Array.of(0x80, 0x00)).uint(), { code: 'ERR_RECORD_MALFORMED' })
    assert.throws(() => new FieldReader(Uint8Array.of(0x80)).uint(), { code: 'ERR_RECORD_MALFORMED' })
    assert.throws(() => new FieldReader(Uint8Array.of(5, 1)).bytes(), { code: 'ERR_RECORD_MALFORMED' })
    assert.throws(() => new FieldReader(Uint8Array.of(3, 1, 2, 3)).bytes(2), { code: 'ERR_RECORD_MALFORMED' })
    assert.throws(() => new FieldReader(Uint8Array.of(1, 0xff)).string(), { code: 'ERR_RECORD_MALFORMED' })
    assert.throws(() => new FieldReader(Uint8Array.of(9)).strings(8), { code: 'ERR_RECORD_MALFORMED' })
    assert.throws(() => new FieldReader(Uint8Array.of(0, 0)).bytes() && new FieldReader(Uint8Array.of(0, 0)).end(), { code: 'ERR_RECORD_MALFORMED' })
    assert.throws(() => new FieldWriter().uint(-1), RangeError)
  })
})
