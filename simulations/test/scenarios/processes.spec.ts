/**
 * Processes mode: the propagation and revocation scenarios with 6 real
 * agent processes over loopback TCP, observed through their API; and the
 * refusal of scenarios that need links cut, before any process starts.
 */
import assert from 'node:assert/strict'
import { UnsupportedModeError } from '../../src/errors.ts'
import { stopAllAgents } from '../../src/processes/agent-process.ts'
import { partition } from '../../src/scenarios/partition.ts'
import { propagation } from '../../src/scenarios/propagation.ts'
import { revocation } from '../../src/scenarios/revocation.ts'
import { testContext } from '../fixtures/options.ts'

const CELLS = 6
// Set-up replays the start state through gossip; a record published before
// its receiver's subscription was seen arrives only by the periodic sync,
// so a short sync interval bounds set-up (the scenarios' records are
// published long after the connections, by gossip).
const SYNC_INTERVAL = 2_000

describe('scenarios in processes mode (6 agent processes)', function () {
  // Each run starts 6 agents (about a second of CPU each) on a shared machine.
  this.timeout(120_000)

  afterEach(async () => {
    await stopAllAgents()
  })

  it('delivers every attestation to every interested cell and converges views and meshes', async () => {
    const result = await propagation.run(testContext({ mode: 'processes', scenario: 'propagation', cells: CELLS, syncInterval: SYNC_INTERVAL }))
    assert.equal(result.mode, 'processes')
    assert.match(result.label, /real agent processes over loopback TCP.*--latency\/--jitter not applied/)
    assert.equal(result.metrics.deliveryRatio, 1)
    assert.ok(Number(result.metrics.interestedCellsPerRecord) >= CELLS / 2, 'most cells keep the issuer\'s records')
    assert.equal(result.metrics.viewAgreement, 1)
    assert.equal(result.metrics.meshAgreement, 1)
    assert.ok(result.latencies.length > 0 && result.latencies.every(ms => ms >= 0))
    assert.ok(Number(result.metrics.rssPerCellMb) > 10, 'RSS is read from the agent processes')
  })

  it('removes the revoked cell from every view and every mesh', async () => {
    const result = await revocation.run(testContext({ mode: 'processes', scenario: 'revocation', cells: CELLS, syncInterval: SYNC_INTERVAL }))
    assert.ok(Number(result.metrics.revokers) >= 1)
    assert.ok(Number(result.metrics.cellsTrustingBefore) >= CELLS / 2)
    assert.equal(result.metrics.droppedShare, 1)
    assert.equal(result.metrics.revocationDeliveryRatio, 1)
    assert.equal(result.metrics.viewAgreement, 1)
    assert.equal(result.metrics.meshAgreement, 1)
  })

  it('refuses a scenario that needs links cut before starting any agent', async () => {
    const started = Date.now()
    await assert.rejects(partition.run(testContext({ mode: 'processes', scenario: 'partition', cells: CELLS })), (err: Error) => {
      assert.ok(err instanceof UnsupportedModeError)
      assert.match(err.message, /--mode processes cannot run the partition scenario.*propagation and revocation/)
      return true
    })
    assert.ok(Date.now() - started < 5_000, 'no agent was started')
  })
})
