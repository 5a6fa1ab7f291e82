import assert from 'node:assert/strict'
import { churn } from '../../src/scenarios/churn.ts'
import { testContext } from '../fixtures/options.ts'

describe('scenario: churn (20 cells, 30 % away)', function () {
  this.timeout(60_000)

  for (const mode of ['libp2p', 'model'] as const) {
    it(`brings every returning cell every record it keeps (${mode})`, async () => {
      const result = await churn.run(testContext({ mode, syncInterval: 1000, churn: 0.3 }))
      assert.equal(result.metrics.cellsAway, 6)
      assert.equal(result.metrics.heldByAbsentBeforeReturn, 0)
      assert.equal(result.metrics.caughtUpShare, 1)
      assert.equal(result.metrics.returningDeliveryRatio, 1)
      assert.ok(Number(result.metrics.catchUpMaxMs) >= 0)
      assert.equal(result.convergence.length, 6)
    })
  }
})
