/**
 * The `cell` CLI against a real agent: read commands with --json, service
 * control, config round trips, logs, and the one-line error when no agent
 * runs.
 */
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { runCli, startAgent, stopAll, tempDataDir } from '../fixtures/agent-process.ts'
import { waitFor } from '../fixtures/wait.ts'
import type { AgentHandle } from '../fixtures/agent-process.ts'

describe('cell CLI', function () {
  this.timeout(60_000)
  let agent: AgentHandle

  before(async () => { agent = await startAgent({ viaCli: true }) })
  after(async () => { await stopAll() })

  it('says in one line that no agent runs, and exits non-zero', async () => {
    const dir = await tempDataDir('none')
    const result = await runCli(['--data-dir', dir, 'peers'])
    assert.notEqual(result.code, 0)
    assert.equal(result.stderr.trim().split('\n').length, 1)
    assert.match(result.stderr, /No cell agent is running/)
  })

  it('prints status, id, services and peers as JSON with stable fields', async () => {
    const status = JSON.parse((await agent.cli(['status', '--json'])).stdout)
    assert.equal(status.status, 'ok')
    assert.ok(status.services.some((service: { name: string, state: string }) => service.name === 'p2p' && service.state === 'running'))

    const id = JSON.parse((await agent.cli(['id', '--json'])).stdout)
    assert.match(id.cellId, /^12D3KooW/)
    assert.equal(typeof id.wireguardPublicKey, 'string')

    const services = JSON.parse((await agent.cli(['services', '--json'])).stdout) as Array<{ name: string }>
    assert.deepEqual(services.map(service => service.name).slice(0, 2), ['p2p', 'trust'])
    assert.deepEqual(JSON.parse((await agent.cli(['peers', '--json'])).stdout), [])
  })

  it('prints aligned tables for people', async () => {
    const table = (await agent.cli(['services'])).stdout.split('\n')
    assert.match(table[0], /^SERVICE\s+STATE\s+DEPENDS/)
    assert.match(table[1], /^p2p\s+running/)
  })

  it('stops, starts and restarts a service', async () => {
    assert.match((await agent.cli(['service', 'stop', 'trust'])).stdout, /trust: stopped/)
    assert.match((await agent.cli(['service', 'start', 'trust'])).stdout, /trust: running/)
    assert.match((await agent.cli(['service', 'restart', 'trust'])).stdout, /trust: running/)
    const unknown = await agent.cli(['service', 'start', 'nosuch'])
    assert.notEqual(unknown.code, 0)
    assert.match(unknown.stderr, /No service named "nosuch"/)
  })

  it('sets, gets, backs up, restores, exports and imports config', async () => {
    assert.equal((await agent.cli(['config', 'set', 'logging.level', 'debug'])).code, 0)
    assert.equal((await agent.cli(['config', 'get', 'logging.level'])).stdout.trim(), 'debug')

    const bad = await agent.cli(['config', 'set', 'api.port', '"high"'])
    assert.notEqual(bad.code, 0)
    assert.match(bad.stderr, /api\.port/)

    const backupId = (await agent.cli(['config', 'backup', '--reason', 'cli test'])).stdout.trim().replace(/^backup /, '')
    await agent.cli(['config', 'set', 'logging.level', 'warn'])
    const backups = JSON.parse((await agent.cli(['config', 'backups', '--json'])).stdout) as Array<{ id: string }>
    assert.ok(backups.some(backup => backup.id === backupId))
    assert.equal((await agent.cli(['config', 'restore', backupId])).code, 0)
    assert.equal((await agent.cli(['config', 'get', 'logging.level'])).stdout.trim(), 'debug')

    const exported = JSON.parse((await agent.cli(['config', 'export'])).stdout)
    assert.equal(exported.logging.level, 'debug')
  })

  it('shows recent log lines of a service', async () => {
    const entries = JSON.parse((await agent.cli(['logs', 'p2p', '--json'])).stdout) as Array<{ component: string, msg: string }>
    assert.ok(entries.some(entry => entry.component === 'p2p' && /libp2p listening/.test(entry.msg)))
  })

  it('stops the agent when the `cell start` process dies, even by SIGKILL', async () => {
    const other = await startAgent({ viaCli: true })
    const { pid } = JSON.parse(await readFile(join(other.dataDir, 'api.json'), 'utf8')) as { pid: number }
    other.process.kill('SIGKILL')
    await waitFor(() => {
      try { process.kill(pid, 0); return false } catch { return true }
    }, { timeout: 15_000, what: 'the orphaned agent to stop' })
  })
})
