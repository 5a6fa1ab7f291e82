import assert from 'node:assert/strict'
import { eclipse } from '../../src/scenarios/eclipse.ts'
import { testContext } from '../fixtures/options.ts'

describe('scenario: eclipse (20 honest cells, 4 attackers around one)', function () {
  this.timeout(60_000)

  for (const mode of ['libp2p', 'model'] as const) {
    it(`still delivers honest records to the surrounded cell (${mode})`, async () => {
      const result = await eclipse.run(testContext({ mode, attackers: 4 }))
      assert.equal(result.metrics.victimHonestLinks, 1)
      assert.equal(result.metrics.victimDeliveryRatio, 1)
      assert.equal(result.metrics.victimViewAgrees, true)
      assert.equal(result.metrics.victimTrustsAttackers, 0)
      assert.ok(result.latencies.length > 0)
    })
  }
})
