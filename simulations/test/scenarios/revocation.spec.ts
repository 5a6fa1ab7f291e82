import assert from 'node:assert/strict'
import { revocation } from '../../src/scenarios/revocation.ts'
import { testContext } from '../fixtures/options.ts'

describe('scenario: revocation (20 cells)', function () {
  this.timeout(90_000)

  for (const mode of ['libp2p', 'model'] as const) {
    it(`removes the revoked cell from every view and every mesh (${mode})`, async () => {
      const result = await revocation.run(testContext({ mode }))
      assert.ok(Number(result.metrics.revokers) >= 1)
      assert.ok(Number(result.metrics.cellsTrustingBefore) > 10)
      assert.equal(result.metrics.droppedShare, 1)
      assert.equal(result.metrics.revocationDeliveryRatio, 1)
      assert.equal(result.metrics.meshAgreement, 1)
    })
  }
})
