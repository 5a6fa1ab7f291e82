/**
 * Blocking a cell, between agent processes. A trusts B and C directly, and
 * B vouches for C. A revoking C leaves C trusted through B: a revocation
 * withdraws only A's own attestation. A block outweighs B's as well, takes
 * C out of A's views and WireGuard peers, survives a restart, stays on A
 * (B still trusts C), and lifting it lets C back as the attestations say.
 * While blocked, C's libp2p connections to A are refused too.
 */
import assert from 'node:assert/strict'
import { startAgent, stopAll } from '../fixtures/agent-process.ts'
import { waitFor } from '../fixtures/wait.ts'
import type { AgentHandle } from '../fixtures/agent-process.ts'

async function attest (from: AgentHandle, cell: string): Promise<void> {
  const { status, body } = await from.api('POST', '/api/trust/attestations', { cell })
  assert.equal(status, 201, JSON.stringify(body))
}

async function trusted (agent: AgentHandle, cell: string): Promise<{ source: string } | undefined> {
  const { body } = await agent.api('GET', '/api/trust')
  return (body.cells as Array<{ cellId: string, source: string }>).find(entry => entry.cellId === cell)
}

async function connected (agent: AgentHandle, cell: string): Promise<boolean> {
  const { body } = await agent.api('GET', '/api/peers')
  return (body.peers as Array<{ peerId: string }>).some(peer => peer.peerId === cell)
}

/** C dials A at A's first address; the HTTP status of C's answer. */
async function dialStatus (from: AgentHandle, to: AgentHandle): Promise<number> {
  const [address] = await to.multiaddrs()
  return (await from.api('POST', '/api/peers/connect', { multiaddr: address })).status
}

async function meshPeers (agent: AgentHandle): Promise<string[]> {
  const { body } = await agent.api('GET', '/api/wireguard/peers')
  return (body.peers as Array<{ cellId: string }>).map(peer => peer.cellId)
}

describe('blocking a cell', function () {
  this.timeout(60_000)

  let a: AgentHandle
  let b: AgentHandle
  let c: AgentHandle
  const ids = { a: '', b: '', c: '' }

  before(async () => {
    a = await startAgent()
    b = await startAgent({ bootstrap: await a.multiaddrs() })
    c = await startAgent({ bootstrap: await a.multiaddrs() })
    ids.a = await a.cellId()
    ids.b = await b.cellId()
    ids.c = await c.cellId()

    await attest(a, ids.b)
    await attest(a, ids.c)
    await attest(b, ids.c)
    await waitFor(async () => (await trusted(b, ids.c)) != null, { what: 'B to trust C' })
    await waitFor(async () => (await meshPeers(a)).includes(ids.c), { what: 'C in A\'s mesh' })
  })

  after(async () => { await stopAll() })

  it('keeps C after A revokes it, because B still vouches for it', async () => {
    const revoked = await a.api('POST', '/api/trust/revoke', { cell: ids.c })
    assert.equal(revoked.status, 200, JSON.stringify(revoked.body))
    await waitFor(async () => (await trusted(a, ids.c))?.source === 'indirect', { what: 'A to trust C through B only' })
    assert.ok((await meshPeers(a)).includes(ids.c))
  })

  it('drops C from A\'s views and mesh once A blocks it, and says why', async () => {
    const blocked = await a.cli(['trust', 'block', ids.c, '--note', 'stolen laptop'])
    assert.equal(blocked.code, 0, blocked.stderr)
    assert.match(blocked.stdout, /^blocked 12D3KooW/)

    await waitFor(async () => !(await meshPeers(a)).includes(ids.c), { timeout: 2000, what: 'C to leave A\'s mesh within 2 s' })
    assert.equal(await trusted(a, ids.c), undefined)
    assert.ok((await meshPeers(a)).includes(ids.b), 'B stays')

    const why = JSON.parse((await a.cli(['trust', 'why', ids.c, '--json'])).stdout)
    assert.equal(why.trusted, false)
    assert.equal(why.explanation.reason, 'blocked')
    assert.ok(why.explanation.incoming.some((item: { issuer: string, state: string }) => item.issuer === ids.b && item.state === 'subject-blocked'))

    const list = JSON.parse((await a.cli(['trust', 'blocked', '--json'])).stdout) as Array<{ cellId: string, note: string, blockedAt: string }>
    assert.deepEqual(list.map(entry => [entry.cellId, entry.note]), [[ids.c, 'stolen laptop']])
    assert.ok(!Number.isNaN(Date.parse(list[0].blockedAt)))
    assert.match((await a.cli(['trust', 'blocked'])).stdout, /stolen laptop/)
  })

  it('refuses C\'s connections while C is blocked', async () => {
    await waitFor(async () => !await connected(a, ids.c), { what: 'A to hang up on C' })
    // C's end of the closed connection goes a moment later; until then a dial
    // would hand back that connection instead of trying A.
    await waitFor(async () => !await connected(c, ids.a), { what: 'C to see the connection closed' })

    // C's dial may even report success: the dialer settles the muxer
    // optimistically, before A's refusal reaches it. Either way the
    // connection does not last, and A never lists C.
    await dialStatus(c, a)
    await waitFor(async () => !await connected(c, ids.a), { what: 'A to refuse C\'s new connection' })
    assert.equal(await connected(a, ids.c), false)
    assert.ok(await connected(a, ids.b), 'B stays connected')
  })

  it('keeps the block on A alone: B still trusts C', async () => {
    assert.equal((await trusted(b, ids.c))?.source, 'direct')
    const { body } = await b.api('GET', '/api/trust/blocked')
    assert.deepEqual(body.cells, [])
  })

  it('keeps the block across a restart of A', async () => {
    await a.stop()
    a = await startAgent({ dataDir: a.dataDir, bootstrap: await b.multiaddrs() })
    await waitFor(async () => (await trusted(a, ids.b)) != null, { what: 'A to trust B again after the restart' })
    assert.equal(await trusted(a, ids.c), undefined)
    assert.ok(!(await meshPeers(a)).includes(ids.c))
  })

  it('refuses to block A itself, to unblock a cell that is not blocked, and unknown fields', async () => {
    const self = await a.api('POST', '/api/trust/blocked', { cell: ids.a })
    assert.equal(self.status, 400)
    assert.match(self.body.error.message, /this cell itself/)

    const notBlocked = await a.api('DELETE', `/api/trust/blocked/${ids.b}`)
    assert.equal(notBlocked.status, 404)
    assert.match(notBlocked.body.error.message, /is not blocked/)

    const unknown = await a.api('POST', '/api/trust/blocked', { cell: ids.b, until: 'tomorrow' })
    assert.equal(unknown.status, 400)
    const tooLong = await a.api('POST', '/api/trust/blocked', { cell: ids.b, note: 'x'.repeat(501) })
    assert.equal(tooLong.status, 400)
    assert.equal((await a.api('GET', '/api/trust/blocked')).body.cells.length, 1, 'nothing was added by the refused requests')
  })

  it('lets C back through B once A lifts the block', async () => {
    const lifted = await a.cli(['trust', 'unblock', ids.c])
    assert.equal(lifted.code, 0, lifted.stderr)
    await waitFor(async () => (await trusted(a, ids.c))?.source === 'indirect', { what: 'A to trust C through B again' })
    await waitFor(async () => (await meshPeers(a)).includes(ids.c), { what: 'C back in A\'s mesh' })
    assert.match((await a.cli(['trust', 'blocked'])).stdout, /no blocked cells/)
    assert.equal(await dialStatus(c, a), 200, 'C can connect to A again')
    await waitFor(async () => await connected(a, ids.c), { what: 'A to accept C\'s connection' })
  })
})
