import assert from 'node:assert/strict'
import { sybil } from '../../src/scenarios/sybil.ts'
import { testContext } from '../fixtures/options.ts'

describe('scenario: sybil (20 honest cells)', function () {
  this.timeout(60_000)

  for (const mode of ['libp2p', 'model'] as const) {
    it(`keeps Sybils within the bound and honest cells trusted (${mode})`, async () => {
      const result = await sybil.run(testContext({ mode, sybils: 100, attackEdges: 2 }))
      assert.equal(result.metrics.viewersOverLayeredBound, 0)
      assert.equal(result.metrics.viewersOverAprioriBound, 0)
      assert.ok(Number(result.metrics.maxSybilsTrusted) <= 2 * 64)
      assert.ok(Number(result.metrics.honestWronglyRejectedShare) < 0.05)
      assert.ok(result.sybilCurve.length > 0)
      for (const point of result.sybilCurve) assert.ok(point.maxTrusted <= 4 * point.bound, `k=${point.attackEdges}: ${point.maxTrusted}`)
    })
  }
})
