/**
 * Changing the `dns` config section of a running agent, checked with dig:
 * the server moves to a new port without a restart command, a port another
 * process holds fails only the DNS service with the reason, the next good
 * setting brings it back, and a DNS service the user stopped stays stopped.
 */
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { createSocket } from 'node:dgram'
import { startAgent, stopAll, tempDataDir } from '../fixtures/agent-process.ts'
import { waitFor } from '../fixtures/wait.ts'
import { dig } from './helpers.ts'
import type { AgentHandle } from '../fixtures/agent-process.ts'
import type { Server } from 'node:net'

/** A loopback port free for UDP and TCP right now. */
async function freePort (): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const udp = createSocket('udp4')
    const port = await new Promise<number>(resolve => { udp.bind(0, '127.0.0.1', () => { resolve(udp.address().port) }) })
    udp.close()
    const tcp = createServer()
    const free = await new Promise<boolean>(resolve => {
      tcp.once('error', () => { resolve(false) })
      tcp.listen(port, '127.0.0.1', () => { resolve(true) })
    })
    if (free) {
      await new Promise(resolve => tcp.close(resolve))
      return port
    }
  }
  throw new Error('no free port found in 20 attempts')
}

async function dnsService (agent: AgentHandle): Promise<{ state: string, error?: string, details: { address?: { port: number } } }> {
  const { body } = await agent.api('GET', '/api/services/status')
  return body.services.find((service: { name: string }) => service.name === 'dns')
}

async function answers (port: number): Promise<boolean> {
  return (await dig(port, 'carol.cell', 'A')).status === 'NOERROR'
}

describe('changing the DNS config of a running agent', function () {
  this.timeout(60_000)

  let agent: AgentHandle
  let first: number
  let holder: Server | undefined

  before(async () => {
    first = await freePort()
    agent = await startAgent({ dataDir: await tempDataDir('carol'), config: { cell: { name: 'carol' }, dns: { host: '127.0.0.1', port: first } } })
    await waitFor(async () => await answers(first), { what: `DNS on port ${first}` })
  })

  after(async () => {
    await new Promise(resolve => holder?.close(resolve) ?? resolve(undefined))
    await stopAll()
  })

  it('moves to a new port when dns.port changes, and keeps answering', async () => {
    const second = await freePort()
    const set = await agent.cli(['config', 'set', 'dns.port', String(second)])
    assert.equal(set.code, 0, set.stderr)

    await waitFor(async () => await answers(second), { what: `DNS on the new port ${second}` })
    assert.equal((await dnsService(agent)).details.address?.port, second)
    assert.notEqual((await dig(first, 'carol.cell', 'A')).status, 'NOERROR', 'the old port is closed')
  })

  it('fails only the DNS service on a port another process holds, naming it, and recovers on the next good setting', async () => {
    const taken = await freePort()
    holder = createServer()
    await new Promise<void>(resolve => { holder?.listen(taken, '127.0.0.1', resolve) })

    assert.equal((await agent.cli(['config', 'set', 'dns.port', String(taken)])).code, 0)
    const failed = await waitFor(async () => {
      const service = await dnsService(agent)
      return service.state === 'failed' ? service : undefined
    }, { what: 'the DNS service to fail' })
    assert.match(failed.error ?? '', new RegExp(`port ${taken}`))
    const trust = (await agent.api('GET', '/api/services/status')).body.services.find((service: { name: string }) => service.name === 'trust')
    assert.equal(trust.state, 'running', 'other services run on')

    const good = await freePort()
    assert.equal((await agent.cli(['config', 'set', 'dns.port', String(good)])).code, 0)
    await waitFor(async () => await answers(good), { what: `DNS back on port ${good}` })
    assert.equal((await dnsService(agent)).state, 'running')
  })

  it('leaves a DNS service the user stopped stopped', async () => {
    const stopped = await agent.api('POST', '/api/services/bus/services/dns/stop')
    assert.equal(stopped.status, 200, JSON.stringify(stopped.body))
    const next = await freePort()
    assert.equal((await agent.cli(['config', 'set', 'dns.port', String(next)])).code, 0)

    const config = await agent.api('GET', '/api/config')
    assert.equal(config.body.effective.dns.port, next, 'the change itself is stored')
    assert.equal((await dnsService(agent)).state, 'stopped')
    assert.notEqual((await dig(next, 'carol.cell', 'A')).status, 'NOERROR')
  })
})
