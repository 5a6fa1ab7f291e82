import assert from 'node:assert/strict'
import { QUARANTINE_CAPACITY } from '../../src/constants.ts'
import { spam } from '../../src/scenarios/spam.ts'
import { testContext } from '../fixtures/options.ts'

describe('scenario: spam (20 honest cells, 2 attackers)', function () {
  this.timeout(90_000)

  for (const mode of ['libp2p', 'model'] as const) {
    it(`delivers honest records, caps the quarantine${mode === 'libp2p' ? ', graylists invalid flooders' : ''} (${mode})`, async () => {
      const result = await spam.run(testContext({ mode, attackers: 2, spam: 1100 }))
      assert.equal(result.metrics.honestDeliveryRatio, 1)
      assert.ok(Number(result.metrics.maxQuarantine) <= QUARANTINE_CAPACITY)
      assert.ok(Number(result.metrics.quarantineEvictions) > 0, 'the flood filled at least one quarantine')
      assert.ok(Number(result.metrics.rejectedByStores) > 0)
      if (mode === 'libp2p') {
        assert.ok(Number(result.metrics.invalidFlooderScoreObservations) > 0, 'some honest cell is connected to an invalid flooder')
        assert.equal(result.metrics.invalidFlooderGraylistedAt, result.metrics.invalidFlooderScoreObservations)
        assert.ok(Number(result.metrics.invalidFlooderMaxScore) < Number(result.metrics.graylistThreshold))
      }
    })
  }
})
