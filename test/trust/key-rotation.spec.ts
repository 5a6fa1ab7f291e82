/**
 * Retiring a cell's key, between agent processes. B's owner moves to a new
 * cell, B2, and announces the rotation with B's key: A, which attests B,
 * attests B2 in its place with the same terms, and B can sign nothing new.
 * When B's key is then declared compromised while A is offline, A learns
 * it by sync on its return (B is outside A's horizon by then), withdraws
 * what it attested by following B, and does not follow again.
 */
import assert from 'node:assert/strict'
import { startAgent, stopAll } from '../fixtures/agent-process.ts'
import { waitFor } from '../fixtures/wait.ts'
import type { AgentHandle } from '../fixtures/agent-process.ts'

/** Longer than gossipsub's message cache, with room for late heartbeats on a busy machine. */
const GOSSIP_CACHE_WINDOW = 8000

interface AttestationBody { issuer: string, subject: string, level: string, scopes: string[], maxDepth: number, notAfter: number }

async function ownAttestation (agent: AgentHandle, issuer: string, subject: string): Promise<AttestationBody | undefined> {
  const { body } = await agent.api('GET', '/api/trust/attestations')
  return (body.attestations as AttestationBody[]).find(entry => entry.issuer === issuer && entry.subject === subject)
}

async function trusted (agent: AgentHandle): Promise<string[]> {
  const { body } = await agent.api('GET', '/api/trust')
  return (body.cells as Array<{ cellId: string }>).map(entry => entry.cellId)
}

describe('retiring a key', function () {
  this.timeout(75_000)

  let a: AgentHandle
  let b: AgentHandle
  let b2: AgentHandle
  const ids = { a: '', b: '', b2: '' }

  before(async () => {
    a = await startAgent()
    b = await startAgent({ bootstrap: await a.multiaddrs() })
    b2 = await startAgent({ bootstrap: await a.multiaddrs() })
    ids.a = await a.cellId()
    ids.b = await b.cellId()
    ids.b2 = await b2.cellId()

    const attested = await a.api('POST', '/api/trust/attestations', { cell: ids.b, scopes: ['mesh', 'dns'], maxDepth: 1, expires: '30d' })
    assert.equal(attested.status, 201, JSON.stringify(attested.body))
    await waitFor(async () => (await trusted(a)).includes(ids.b), { what: 'A to trust B' })
  })

  after(async () => { await stopAll() })

  it('refuses to retire without --yes or with contradicting options, publishing nothing', async () => {
    const dry = await b.cli(['retire', '--successor', ids.b2])
    assert.equal(dry.code, 2)
    assert.match(dry.stdout, /cannot be undone; run again with --yes/)
    const both = await b.cli(['retire', '--successor', ids.b2, '--compromised', '--yes'])
    assert.equal(both.code, 2)
    assert.match(both.stderr, /either --successor <cell-id> or --compromised/)

    for (const [body, field] of [
      [{ kind: 'rotated', successor: ids.b2 }, 'confirm'],
      [{ kind: 'rotated', confirm: true }, 'successor'],
      [{ kind: 'rotated', successor: ids.b, confirm: true }, 'successor'],
      [{ kind: 'compromised', since: new Date(Date.now() + 3_600_000).toISOString(), confirm: true }, 'since'],
      [{ kind: 'rotated', successor: ids.b2, since: new Date().toISOString(), confirm: true }, 'since']
    ] as const) {
      const refused = await b.api('POST', '/api/identity/retire', body)
      assert.equal(refused.status, 400, JSON.stringify(body))
      assert.match(JSON.stringify(refused.body), new RegExp(field))
    }
    assert.equal((await b.api('GET', '/api/identity')).body.retired, null)
  })

  it('moves A\'s trust from B to B2 on terms equal to A\'s attestation of B', async () => {
    const retired = await b.cli(['retire', '--successor', ids.b2, '--yes'])
    assert.equal(retired.code, 0, retired.stderr)
    assert.match(retired.stdout, /retired: key rotated/)

    const followed = await waitFor(async () => await ownAttestation(a, ids.a, ids.b2), { what: 'A to attest B2' })
    const original = await ownAttestation(a, ids.a, ids.b)
    assert.deepEqual(
      [followed.level, followed.scopes, followed.maxDepth, followed.notAfter],
      [original?.level, original?.scopes, original?.maxDepth, original?.notAfter]
    )
    await waitFor(async () => {
      const cells = await trusted(a)
      return cells.includes(ids.b2) && !cells.includes(ids.b)
    }, { what: 'A to trust B2 and no longer B' })
  })

  it('shows B as retired, and B can attest nothing new', async () => {
    const identity = (await b.api('GET', '/api/identity')).body
    assert.deepEqual([identity.retired.kind, identity.retired.successor], ['rotated', ids.b2])
    assert.match((await b.cli(['id'])).stdout, /retired:\s+rotated at/)

    const refused = await b.api('POST', '/api/trust/attestations', { cell: ids.a })
    assert.equal(refused.status, 409)
    assert.equal(refused.body.error.code, 'ERR_KEY_RETIRED')
    assert.match(refused.body.error.message, /This cell's key is retired/)

    const invite = await b.api('POST', '/api/trust/invites', {})
    assert.equal(invite.status, 409)
    assert.match(invite.body.error.message, new RegExp(`key is retired \\(rotated\\); use the successor cell ${ids.b2}`))
  })

  it('restarts a retired cell with every service running, though its peer record can no longer change', async () => {
    assert.equal((await b.cli(['config', 'set', 'cell.name', 'bob-old'])).code, 0)
    await b.stop()
    b = await startAgent({ dataDir: b.dataDir, bootstrap: await b2.multiaddrs() })

    const { body } = await b.api('GET', '/api/services/status')
    const notRunning = (body.services as Array<{ name: string, state: string, error?: string }>).filter(service => service.state !== 'running')
    assert.deepEqual(notRunning, [])
    assert.equal((await b.api('GET', '/api/identity')).body.retired.kind, 'rotated')
  })

  it('withdraws the follow when B\'s key is declared compromised while A is offline, and does not follow again', async () => {
    await a.stop()
    const compromised = await b.cli(['retire', '--compromised', '--yes'])
    assert.equal(compromised.code, 0, compromised.stderr)
    // Past gossipsub's message cache (5 heartbeats of 1 s), B no longer
    // offers the notice in IHAVE gossip: only sync can bring it.
    await new Promise(resolve => setTimeout(resolve, GOSSIP_CACHE_WINDOW))

    a = await startAgent({ dataDir: a.dataDir, bootstrap: await b.multiaddrs() })
    await waitFor(async () => (await ownAttestation(a, ids.a, ids.b2))?.level === 'none', { what: 'A to learn of the compromise by sync and revoke B2' })
    assert.ok(!(await trusted(a)).includes(ids.b2))

    await a.stop()
    a = await startAgent({ dataDir: a.dataDir, bootstrap: await b2.multiaddrs() })
    assert.equal((await ownAttestation(a, ids.a, ids.b2))?.level, 'none')
    assert.equal((await a.api('GET', '/api/services/status')).body.services.find((s: { name: string }) => s.name === 'trust').details.followedRotations, 0)
  })
})
