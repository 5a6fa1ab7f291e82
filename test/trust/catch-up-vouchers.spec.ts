/**
 * Catch-up through a voucher the cell has no connection to. A's horizon
 * gains X (A trusts V with maxDepth 1, and V vouches for X), but A's only
 * peer, B, does not keep X's records (B trusts V with maxDepth 0, so V
 * does not vouch onward for B). From B, A gets V's attestation of X and
 * V's signed peer record; so it dials V at the recorded addresses and
 * fetches X's records there.
 *
 * Other paths that would connect A to X or V are shut: every agent is a
 * DHT client (no DHT walks, no peer routing through B), A's CA exchange
 * (which dials every trusted cell) is stopped, and the periodic redial of
 * directly trusted cells (every 30 s) comes after this test's deadline.
 * Gossip could still hand A X's records without V: V gossips X's recent
 * peer record on when it syncs it from X, and B relays it to strangers.
 * So A keeps no quarantine (a relayed copy would be promoted once X enters
 * A's horizon), and A joins only after that copy has left B's gossipsub
 * message cache (5 heartbeats of 1 s), from which B would offer it to a new
 * peer in IHAVE gossip for 3 heartbeats.
 */
import assert from 'node:assert/strict'
import { startAgent, stopAll } from '../fixtures/agent-process.ts'
import { waitFor } from '../fixtures/wait.ts'
import type { AgentHandle } from '../fixtures/agent-process.ts'

const DHT_CLIENT = { p2p: { dhtMode: 'client' } }

/** Longer than gossipsub's message cache (5 heartbeats of 1 s), with room for late heartbeats on a busy machine. */
const GOSSIP_CACHE_WINDOW = 8000

async function attest (from: AgentHandle, cell: string, maxDepth: number): Promise<void> {
  const { status, body } = await from.api('POST', '/api/trust/attestations', { cell, maxDepth })
  assert.equal(status, 201, JSON.stringify(body))
}

async function holdsPeerRecord (agent: AgentHandle, cell: string): Promise<boolean> {
  const { body } = await agent.api('GET', '/api/trust/cells')
  return (body.cells as Array<{ cellId: string }>).some(record => record.cellId === cell)
}

async function attestationsOf (agent: AgentHandle, issuer: string): Promise<Array<{ subject: string }>> {
  const { body } = await agent.api('GET', '/api/trust/attestations')
  return (body.attestations as Array<{ issuer: string, subject: string }>).filter(attestation => attestation.issuer === issuer)
}

async function connectedTo (agent: AgentHandle, cell: string): Promise<boolean> {
  const { body } = await agent.api('GET', '/api/peers')
  return JSON.stringify(body).includes(cell)
}

describe('catch-up sync through vouchers', function () {
  this.timeout(75_000)

  after(async () => { await stopAll() })

  it('dials a cell that vouches for a missing issuer and fetches the issuer\'s records there', async () => {
    const b = await startAgent({ config: DHT_CLIENT })
    const x = await startAgent({ config: DHT_CLIENT, bootstrap: await b.multiaddrs() })
    const v = await startAgent({ config: DHT_CLIENT, bootstrap: [...await b.multiaddrs(), ...await x.multiaddrs()] })
    const [bId, vId, xId] = [await b.cellId(), await v.cellId(), await x.cellId()]

    // V vouches for X and holds X's records; B keeps V's records but not X's.
    await attest(v, xId, 0)
    await attest(b, vId, 0)
    await waitFor(async () => await holdsPeerRecord(v, xId), { what: 'V to hold X\'s peer record' })
    await waitFor(async () => (await attestationsOf(b, vId)).some(attestation => attestation.subject === xId), { what: 'B to hold V\'s attestation of X' })
    assert.equal(await holdsPeerRecord(b, xId), false, 'B does not keep X')
    await new Promise(resolve => setTimeout(resolve, GOSSIP_CACHE_WINDOW))

    const a = await startAgent({ config: { ...DHT_CLIENT, trust: { quarantineCapacity: 0 } }, bootstrap: await b.multiaddrs() })
    await waitFor(async () => await connectedTo(a, bId), { what: 'A to connect to B' })
    const stopped = await a.api('POST', '/api/services/bus/services/ca-exchange/stop')
    assert.equal(stopped.status, 200, JSON.stringify(stopped.body))
    assert.equal(await connectedTo(a, vId), false, 'A starts without a connection to V')

    // A trusts V deeply enough for V to vouch onward to X. V's records
    // (its peer record, its attestation of X) come from B by catch-up.
    await attest(a, vId, 1)

    await waitFor(async () => await holdsPeerRecord(a, xId), { timeout: 15_000, what: 'A to fetch X\'s peer record' })
    assert.ok(await connectedTo(a, vId), 'A dialed V to fetch it')
    assert.equal(await connectedTo(a, xId), false, 'and not X, whose addresses it did not know')
  })
})
