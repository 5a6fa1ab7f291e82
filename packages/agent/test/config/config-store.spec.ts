import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigStore } from '../../src/config/config-store.ts'

describe('config store', () => {
  let dir: string

  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'cell-config-')) })
  afterEach(async () => { await rm(dir, { recursive: true, force: true }) })

  const open = async (): Promise<ConfigStore> => {
    const store = new ConfigStore(join(dir, 'config.json'), join(dir, 'backups'))
    await store.load()
    return store
  }

  it('writes complete defaults on first load', async () => {
    const store = await open()
    const onDisk = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'))
    assert.deepEqual(onDisk, store.stored)
    assert.equal(onDisk.api.port, 3000)
    assert.equal(onDisk.api.host, '127.0.0.1')
  })

  it('merges a partial update and refuses an invalid one without writing', async () => {
    const store = await open()
    await store.update({ api: { port: 3100 } })
    const before = await readFile(join(dir, 'config.json'), 'utf8')

    await assert.rejects(store.update({ api: { port: 'x' } }), { code: 'ERR_CONFIG_INVALID' })
    await assert.rejects(store.update({ api: { extra: 1 } }), (err: Error) => /api\.extra/.test(err.message))
    assert.equal(await readFile(join(dir, 'config.json'), 'utf8'), before)
    assert.equal(store.stored.api.port, 3100)
  })

  it('applies overrides for the run without persisting them', async () => {
    const store = await open()
    store.setOverrides({ api: { port: 4444 } })
    assert.equal(store.effective.api.port, 4444)
    const onDisk = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'))
    assert.equal(onDisk.api.port, 3000)
  })

  it('backs up, lists and restores', async () => {
    const store = await open()
    const backup = await store.backup('test')
    await store.update({ cell: { name: 'changed' } })
    assert.ok((await store.listBackups()).some(entry => entry.id === backup.id && entry.reason === 'test'))

    await store.restore(backup.id)
    assert.notEqual(store.stored.cell.name, 'changed')
    await assert.rejects(store.restore('../../etc/passwd'), { code: 'ERR_BACKUP_NOT_FOUND' })
  })

  it('refuses to start on a corrupt config file with a clear message', async () => {
    await writeFile(join(dir, 'config.json'), '{ not json')
    await assert.rejects(open(), (err: Error) => /not valid JSON/.test(err.message))
  })

  it('emits change with the previous and current config', async () => {
    const store = await open()
    const seen: string[] = []
    store.on('change', ({ previous, current }) => { seen.push(`${previous.api.port}->${current.api.port}`) })
    await store.update({ api: { port: 3001 } })
    assert.deepEqual(seen, ['3000->3001'])
  })
})
