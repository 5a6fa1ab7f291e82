/**
 * libp2p mode over loopback TCP (`--transport tcp`): the same real cell
 * cores connected by real sockets instead of the simulated links; and the
 * refusal, before any cell starts, of what TCP cannot do.
 */
import assert from 'node:assert/strict'
import { UnsupportedModeError } from '../../src/errors.ts'
import { partition } from '../../src/scenarios/partition.ts'
import { propagation } from '../../src/scenarios/propagation.ts'
import { revocation } from '../../src/scenarios/revocation.ts'
import { testContext } from '../fixtures/options.ts'

const CELLS = 12

describe('libp2p mode over loopback TCP (12 cells)', function () {
  this.timeout(90_000)

  it('delivers every attestation to every interested cell over real sockets', async () => {
    const result = await propagation.run(testContext({ transport: 'tcp', scenario: 'propagation', cells: CELLS }))
    assert.equal(result.metrics.deliveryRatio, 1)
    assert.equal(result.metrics.viewAgreement, 1)
    assert.equal(result.metrics.meshAgreement, 1)
    assert.ok(Number(result.metrics.transmissionsPerDelivery) > 0, 'gossip transmissions are still counted')
    assert.ok(Number.isNaN(result.metrics.messagesPerDelivery), 'link frames are not counted over TCP')
    assert.equal(result.metrics.linkDirectionsUnconnected, 0)
  })

  it('removes the revoked cell from every view and every mesh', async () => {
    const result = await revocation.run(testContext({ transport: 'tcp', scenario: 'revocation', cells: CELLS }))
    assert.equal(result.metrics.droppedShare, 1)
    assert.equal(result.metrics.meshAgreement, 1)
  })

  it('refuses scenarios that cut links, and other modes, before any cell starts', async () => {
    const started = Date.now()
    await assert.rejects(partition.run(testContext({ transport: 'tcp', scenario: 'partition', cells: CELLS })), (err: Error) => {
      assert.ok(err instanceof UnsupportedModeError)
      assert.match(err.message, /--transport tcp cannot run the partition scenario/)
      return true
    })
    await assert.rejects(propagation.run(testContext({ transport: 'tcp', mode: 'model', scenario: 'propagation' })), /applies to --mode libp2p only/)
    assert.ok(Date.now() - started < 2_000, 'nothing was started')
  })
})
