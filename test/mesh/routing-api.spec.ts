/**
 * The mesh API of one agent (memory backend): routing rules validated
 * field by field and persisted across a restart, manual peers, the exit
 * node refused for an untrusted cell, and the private key never in any
 * answer.
 */
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { startAgent, stopAll, tempDataDir } from '../fixtures/agent-process.ts'
import type { AgentHandle } from '../fixtures/agent-process.ts'

const PHONE_KEY = 'xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg='

const BAD_INPUT: Array<{ path: string, body: unknown, field: string }> = [
  { path: '/api/routing/nat', body: { type: 'masquerade', outInterface: 'no spaces allowed' }, field: 'outInterface' },
  { path: '/api/routing/nat', body: { type: 'dnat', protocol: 'tcp', port: 70000, toAddress: '10.0.0.1' }, field: 'port' },
  { path: '/api/routing/nat', body: { type: 'teleport' }, field: 'type' },
  { path: '/api/routing/split', body: { via: 'x', prefixes: ['0.0.0.0/0'] }, field: 'prefixes' },
  { path: '/api/routing/peers', body: { peer: 'x', prefixes: ['10.0.0.0/33'] }, field: 'prefixes.0' },
  { path: '/api/routing/bridge', body: { interface: 'eth0', prefixes: ['10.0.0.0/24'], extra: 1 }, field: 'extra' },
  { path: '/api/routing/firewall', body: { action: 'drop', ports: [22] }, field: 'ports' },
  { path: '/api/routing/exit-nodes', body: { peer: 42 }, field: 'peer' }
]

describe('mesh API of an agent', function () {
  this.timeout(60_000)
  let agent: AgentHandle
  let dataDir: string

  before(async () => {
    dataDir = await tempDataDir('mesh-api')
    agent = await startAgent({ dataDir })
  })

  after(async () => { await stopAll() })

  for (const { path, body, field } of BAD_INPUT) {
    it(`answers 400 naming ${field} for a bad ${path} body`, async () => {
      const { status, body: answer } = await agent.api('POST', path, body)
      assert.equal(status, 400, JSON.stringify(answer))
      assert.equal(answer.error.field ?? answer.error.details?.[0]?.path, field, JSON.stringify(answer))
    })
  }

  it('refuses an exit node that is not trusted for route with 409', async () => {
    const { body: identity } = await agent.api('GET', '/api/identity')
    const { status } = await agent.api('POST', '/api/routing/exit-nodes', { peer: identity.cellId })
    assert.equal(status, 409)
  })

  it('keeps routing rules and manual peers across a restart, and deletes them by id', async () => {
    const nat = await agent.api('POST', '/api/routing/nat', { type: 'masquerade', outInterface: 'eth0' })
    assert.equal(nat.status, 201)
    assert.equal((await agent.api('POST', '/api/routing/nat', { type: 'masquerade', outInterface: 'eth0' })).status, 409, 'a duplicate is refused')
    const rule = await agent.api('POST', '/api/routing/firewall', { action: 'drop', protocol: 'tcp', ports: [23], source: '10.9.9.0/24' })
    assert.equal(rule.status, 201)
    const peer = await agent.api('POST', '/api/wireguard/peers', { name: 'phone', publicKey: PHONE_KEY, ipv4: '100.64.9.9', ipv6: 'fdab:bf08:7a36::99' })
    assert.equal(peer.status, 201, JSON.stringify(peer.body))

    await agent.stop()
    agent = await startAgent({ dataDir })
    const natList = (await agent.api('GET', '/api/routing/nat')).body.nat
    assert.deepEqual(natList.map((entry: any) => entry.id), [nat.body.id])
    assert.equal((await agent.api('GET', '/api/routing/firewall')).body.firewall[0].id, rule.body.id)
    const peers = (await agent.api('GET', '/api/wireguard/peers')).body.peers
    assert.deepEqual(peers.map((entry: any) => [entry.cellId, entry.source]), [['manual:phone', 'manual']])

    assert.equal((await agent.api('DELETE', `/api/routing/nat/${nat.body.id}`)).status, 200)
    assert.equal((await agent.api('DELETE', `/api/routing/nat/${nat.body.id}`)).status, 404)
    assert.equal((await agent.api('DELETE', '/api/routing/nat/not-an-id')).status, 400)
    assert.equal((await agent.api('DELETE', '/api/wireguard/peers/phone')).status, 200)
  })

  it('refuses manual peers outside the overlay or with a duplicate key', async () => {
    const outside = await agent.api('POST', '/api/wireguard/peers', { name: 'laptop', publicKey: PHONE_KEY, ipv4: '10.0.0.1', ipv6: 'fdab:bf08:7a36::98' })
    assert.equal(outside.status, 400)
    assert.match(outside.body.error.message, /ipv4/)
    const badKey = await agent.api('POST', '/api/wireguard/peers', { name: 'laptop', publicKey: 'not-a-key', ipv4: '100.64.9.8', ipv6: 'fdab:bf08:7a36::98' })
    assert.equal(badKey.status, 400)
    const own = (await agent.api('GET', '/api/wireguard/keys')).body.publicKey
    const mine = await agent.api('POST', '/api/wireguard/peers', { name: 'laptop', publicKey: own, ipv4: '100.64.9.8', ipv6: 'fdab:bf08:7a36::98' })
    assert.equal(mine.status, 409)
  })

  it('never hands out the private key, before or after a rotation', async () => {
    const readKey = async (): Promise<string> => (await readFile(join(dataDir, 'wireguard.key'), 'utf8')).trim()
    const before = await readKey()
    const rotated = await agent.api('POST', '/api/wireguard/keys/rotate')
    assert.equal(rotated.status, 200)
    const after = await readKey()
    assert.notEqual(after, before)
    for (const path of ['/api/wireguard/keys', '/api/wireguard/config', '/api/wireguard/status', '/api/wireguard/peers', '/api/routing/status', '/api/config']) {
      const text = JSON.stringify((await agent.api('GET', path)).body)
      assert.ok(!text.includes(after) && !text.includes(before), `${path} leaks no private key`)
    }
    assert.equal((await agent.api('GET', '/api/wireguard/keys')).body.publicKey, rotated.body.publicKey)
  })
})
