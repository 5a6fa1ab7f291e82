import assert from 'node:assert/strict'
import { memoize } from '../../src/net/memo.ts'

describe('memoize', () => {
  it('parses each text once while it is kept', () => {
    const calls: string[] = []
    const parse = memoize(text => { calls.push(text); return text.toUpperCase() })
    assert.equal(parse('a'), 'A')
    assert.equal(parse('a'), 'A')
    assert.equal(parse('b'), 'B')
    assert.deepEqual(calls, ['a', 'b'])
  })

  it('keeps null answers too, so refused texts are not parsed again', () => {
    let calls = 0
    const parse = memoize(() => { calls++; return null })
    parse('x')
    parse('x')
    assert.equal(calls, 1)
  })

  it('starts over when full instead of growing', () => {
    const calls: string[] = []
    const parse = memoize(text => { calls.push(text); return text }, 2)
    parse('a')
    parse('b')
    parse('c') // full: cleared, then c kept
    parse('a')
    assert.deepEqual(calls, ['a', 'b', 'c', 'a'])
  })

  it('does not keep long texts: no address is longer than 64 characters', () => {
    let calls = 0
    const parse = memoize(() => { calls++; return null })
    const long = 'x'.repeat(65)
    parse(long)
    parse(long)
    assert.equal(calls, 2)
  })
})
