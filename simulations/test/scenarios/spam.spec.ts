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
      if (mode === 'model') {
        assert.ok(Number(result.metrics.quarantineEvictions) > 0, 'the flood filled at least one quarantine')
      } else {
        // Over libp2p, how much of the flood one cell receives depends on
        // gossip timing under load; that it arrived is what is certain.
        assert.ok(Number(result.metrics.maxQuarantine) > 0, 'the flood reached some quarantine')
      }
      assert.ok(Number(result.metrics.rejectedByStores) > 0)
      if (mode === 'libp2p') {
        assert.ok(Number(result.metrics.invalidFlooderScoreObservations) > 0, 'some honest cell is connected to an invalid flooder')
        // How far a cell scores the flooder down depends on how much of the
        // flood reached it (the penalty grows with the square of the count)
        // and that varies with gossip timing under load; the graylist is
        // asserted where enough of it landed.
        assert.ok(Number(result.metrics.invalidFlooderGraylistedAt) >= 1, 'at least one cell graylisted the flooder')
      }
    })
  }
})
