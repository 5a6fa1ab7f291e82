import assert from 'node:assert/strict'
import { join } from '../../src/scenarios/join.ts'
import { testContext } from '../fixtures/options.ts'

describe('scenario: join (20 cells)', function () {
  this.timeout(60_000)

  for (const mode of ['libp2p', 'model'] as const) {
    it(`makes every newcomer trusted by the root and converges the views (${mode})`, async () => {
      // A short sync interval: newcomers' peer records reach far cells only by sync.
      const result = await join.run(testContext({ mode, syncInterval: 1000 }))
      assert.equal(result.metrics.joins, 19)
      assert.equal(result.metrics.trustedByRoot, 19)
      assert.equal(result.metrics.attestationDeliveryRatio, 1)
      assert.equal(result.metrics.viewAgreement, 1)
      assert.equal(result.metrics.recordSetAgreement, 1)
      assert.equal(result.metrics.meshAgreement, 1)
      assert.notEqual(result.metrics.convergedAfterLastJoinMs, null)
    })
  }
})
