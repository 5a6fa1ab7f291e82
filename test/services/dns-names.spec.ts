/**
 * Names of trusted cells in a real agent's DNS, asked with dig: the cell
 * itself, a cell that joined by invite (plain and qualified name, AAAA and
 * A), and NXDOMAIN right after that cell is revoked.
 */
import assert from 'node:assert/strict'
import { stopAll } from '../fixtures/agent-process.ts'
import { waitFor } from '../fixtures/wait.ts'
import { dig, dnsPort, namedAgent } from './helpers.ts'
import type { AgentHandle } from '../fixtures/agent-process.ts'

interface Overlay { ipv4: string, ipv6: string }

async function overlayOf (agent: AgentHandle): Promise<Overlay> {
  return (await agent.api('GET', '/api/network/info')).body.overlay
}

describe('cell names in the agent DNS', function () {
  this.timeout(60_000)
  let a: AgentHandle
  let b: AgentHandle
  let port: number
  let bId: string
  let bOverlay: Overlay

  before(async () => {
    a = await namedAgent('alice')
    b = await namedAgent('bob', { bootstrap: await a.multiaddrs() })
    port = await dnsPort(a)
    bId = await b.cellId()
    bOverlay = await overlayOf(b)
  })

  after(async () => { await stopAll() })

  it('reports the DNS port in the network info and the dns service status', async () => {
    assert.ok(port > 0)
    const { body } = await a.api('GET', '/api/services/status')
    const dns = body.services.find((service: { name: string }) => service.name === 'dns')
    assert.equal(dns.state, 'running')
    assert.deepEqual(dns.dependencies, ['trust'])
    assert.equal(dns.details.address.port, port)
  })

  it('answers for the cell itself with its overlay addresses', async () => {
    const own = await overlayOf(a)
    assert.deepEqual((await dig(port, 'alice.cell', 'AAAA')).answers, [own.ipv6])
    assert.deepEqual((await dig(port, 'alice.cell', 'A')).answers, [own.ipv4])
    assert.equal((await dig(port, 'bob.cell', 'AAAA')).status, 'NXDOMAIN')
  })

  it('names a cell that joined by invite, plain and qualified', async () => {
    const invite = await a.api('POST', '/api/trust/invites', {})
    assert.equal(invite.status, 201, JSON.stringify(invite.body))
    const joined = await b.api('POST', '/api/trust/join', { token: invite.body.token })
    assert.equal(joined.status, 200, JSON.stringify(joined.body))

    const answer = await waitFor(async () => {
      const result = await dig(port, 'bob.cell', 'AAAA')
      return result.answers.length > 0 ? result : undefined
    }, { timeout: 10_000, what: 'bob.cell to resolve on A' })
    assert.equal(answer.status, 'NOERROR')
    assert.deepEqual(answer.answers, [bOverlay.ipv6])
    assert.deepEqual((await dig(port, 'bob.cell', 'A')).answers, [bOverlay.ipv4])

    const qualified = `bob.${bId.slice(-8).toLowerCase()}.cell`
    assert.deepEqual((await dig(port, qualified, 'AAAA')).answers, [bOverlay.ipv6])
  })

  it('self-tests: resolves its own name through its DNS and pings connected peers', async () => {
    const { status, body } = await a.api('POST', '/api/network/test')
    assert.equal(status, 200)
    const names = body.checks.map((check: { name: string }) => check.name)
    assert.ok(names.includes('dns resolve alice.cell'), JSON.stringify(body))
    assert.ok(names.includes(`ping ${bId}`), JSON.stringify(body))
    assert.equal(body.ok, true, JSON.stringify(body))
  })

  it('answers NXDOMAIN for a cell right after it is revoked', async () => {
    const revoked = await a.api('POST', '/api/trust/revoke', { cell: bId })
    assert.equal(revoked.status, 200, JSON.stringify(revoked.body))

    await waitFor(async () => (await dig(port, 'bob.cell', 'AAAA')).status === 'NXDOMAIN',
      { timeout: 3_000, interval: 50, what: 'bob.cell to be NXDOMAIN on A' })
    assert.equal((await dig(port, `bob.${bId.slice(-8).toLowerCase()}.cell`, 'A')).status, 'NXDOMAIN')
    // The cell itself is untouched.
    assert.equal((await dig(port, 'alice.cell', 'AAAA')).answers.length, 1)
  })
})
