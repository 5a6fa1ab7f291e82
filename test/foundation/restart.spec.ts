/**
 * `kill -9` an agent and start it again on the same data dir: it keeps its
 * cell id, WireGuard public key, API token and config, and a write the API
 * acknowledged before the kill is still there.
 */
import assert from 'node:assert/strict'
import { startAgent, stopAll, tempDataDir } from '../fixtures/agent-process.ts'

describe('agent restart after kill -9', function () {
  this.timeout(60_000)

  after(async () => { await stopAll() })

  it('keeps identity, keys, token and config', async () => {
    const dataDir = await tempDataDir('restart')
    const first = await startAgent({ dataDir })
    const before = (await first.api('GET', '/api/identity')).body

    const update = await first.api('PUT', '/api/config', { cell: { name: 'survivor' }, logging: { level: 'debug' } })
    assert.equal(update.status, 200)
    const backup = await first.api('POST', '/api/config/backup', { reason: 'before kill' })
    assert.equal(backup.status, 201)

    await first.kill9()

    const second = await startAgent({ dataDir })
    assert.equal(second.token, first.token)
    const after = await second.api('GET', '/api/identity')
    assert.equal(after.status, 200, 'the old token is still accepted')
    assert.equal(after.body.cellId, before.cellId)
    assert.equal(after.body.wireguardPublicKey, before.wireguardPublicKey)
    assert.equal(after.body.name, 'survivor')

    const config = (await second.api('GET', '/api/config')).body.config
    assert.equal(config.logging.level, 'debug')
    const backups = (await second.api('GET', '/api/config/backups')).body.backups
    assert.ok(backups.some((entry: { id: string }) => entry.id === backup.body.backup.id))
  })
})
