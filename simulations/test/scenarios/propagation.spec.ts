import assert from 'node:assert/strict'
import { propagation } from '../../src/scenarios/propagation.ts'
import { testContext } from '../fixtures/options.ts'

describe('scenario: propagation (20 cells)', function () {
  this.timeout(60_000)

  for (const mode of ['libp2p', 'model'] as const) {
    it(`delivers every attestation to every interested cell (${mode})`, async () => {
      const result = await propagation.run(testContext({ mode }))
      assert.equal(result.metrics.deliveryRatio, 1)
      assert.ok(Number(result.metrics.interestedCellsPerRecord) > 10, 'most cells keep the issuer\'s records')
      assert.equal(result.metrics.viewAgreement, 1)
      assert.equal(result.metrics.meshAgreement, 1)
      assert.ok(result.latencies.length > 0 && result.latencies.every(ms => ms >= 0))
      // Cells outside the issuer's horizon relay without keeping: reached ⊇ interested.
      assert.ok(Number(result.metrics.cellsReachedPerRecord) >= Number(result.metrics.interestedCellsPerRecord))
      const amplification = Number(result.metrics.transmissionsPerDelivery)
      assert.ok(amplification > 0 && amplification <= 6, `gossip transmissions per cell reached: ${amplification}`)
    })
  }
})
