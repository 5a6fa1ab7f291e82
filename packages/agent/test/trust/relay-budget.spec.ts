import assert from 'node:assert/strict'
import { RelayBudget } from '../../src/trust/relay-budget.ts'

describe('relay budget', () => {
  it('allows a burst, then refills at the set rate', () => {
    let now = 0
    const budget = new RelayBudget({ perSecond: 2, burst: 3, maxPeers: 10, now: () => now })
    assert.deepEqual([1, 2, 3, 4].map(() => budget.take('a')), [true, true, true, false])

    now += 500
    assert.equal(budget.take('a'), true, 'one token back after half a second at 2/s')
    assert.equal(budget.take('a'), false)
  })

  it('keeps a separate budget per peer', () => {
    const budget = new RelayBudget({ perSecond: 1, burst: 1, maxPeers: 10, now: () => 0 })
    assert.equal(budget.take('a'), true)
    assert.equal(budget.take('a'), false)
    assert.equal(budget.take('b'), true)
  })

  it('forgets the least recently seen peer past its capacity', () => {
    const budget = new RelayBudget({ perSecond: 0, burst: 1, maxPeers: 2, now: () => 0 })
    budget.take('a')
    budget.take('b')
    budget.take('c')
    assert.equal(budget.take('a'), true, 'a was dropped and starts with a full bucket again')
    assert.equal(budget.take('c'), false)
  })
})
