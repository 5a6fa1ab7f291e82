import assert from 'node:assert/strict'
import { partition } from '../../src/scenarios/partition.ts'
import { testContext } from '../fixtures/options.ts'

describe('scenario: partition (20 cells)', function () {
  this.timeout(60_000)

  for (const mode of ['libp2p', 'model'] as const) {
    it(`keeps the halves apart, then converges after healing (${mode})`, async () => {
      const result = await partition.run(testContext({ mode, syncInterval: 1000 }))
      assert.equal(result.metrics.spreadOnOwnSide, true)
      assert.equal(result.metrics.heldAcrossTheCutBeforeHealing, 0)
      assert.equal(result.metrics.deliveryRatio, 1)
      assert.equal(result.metrics.recordSetAgreement, 1)
      assert.equal(result.metrics.viewAgreement, 1)
      assert.equal(result.metrics.meshAgreement, 1)
      assert.ok(Number(result.metrics.convergedAfterHealingMs) >= 0)
    })
  }
})
