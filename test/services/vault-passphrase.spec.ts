/**
 * A vault protected by a passphrase across agent restarts: the same CA
 * after a restart with the passphrase from the environment or from a file;
 * with a wrong or missing passphrase the vault service fails with a clear
 * message, the rest of the cell keeps running, and not one byte under
 * `<dataDir>/vault` changes.
 */
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { startAgent, stopAll, tempDataDir } from '../fixtures/agent-process.ts'
import type { AgentHandle } from '../fixtures/agent-process.ts'

const PASSPHRASE = 'correct horse battery staple'

/** Every file under `dir` with its mode and content hash. */
async function snapshot (dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>()
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const path = join(entry.parentPath, entry.name)
    const digest = createHash('sha256').update(await readFile(path)).digest('hex')
    files.set(path.slice(dir.length), `${((await stat(path)).mode & 0o777).toString(8)} ${digest}`)
  }
  return files
}

async function services (agent: AgentHandle): Promise<Map<string, { state: string, error?: string, details: any }>> {
  const { body } = await agent.api('GET', '/api/services/status')
  return new Map(body.services.map((service: { name: string }) => [service.name, service]))
}

describe('vault passphrase across restarts', function () {
  this.timeout(60_000)
  let dataDir: string
  let caPem: string
  let serial: string

  async function start (passphrase: string): Promise<AgentHandle> {
    return startAgent({ dataDir, env: { CELL_VAULT_PASSPHRASE: passphrase }, args: ['--dns', '127.0.0.1:0'] })
  }

  before(async () => {
    dataDir = await tempDataDir('vault-pass')
  })

  after(async () => { await stopAll() })

  it('creates the vault under the passphrase from the environment', async () => {
    const agent = await start(PASSPHRASE)
    const status = await agent.api('GET', '/api/vault/status')
    assert.equal(status.body.state, 'running')
    assert.equal(status.body.unlock, 'passphrase')
    assert.equal(status.body.passphraseSource, 'env')

    caPem = (await agent.api('GET', '/api/vault/ca/certificate')).body
    assert.match(caPem, /BEGIN CERTIFICATE/)
    const issued = await agent.api('POST', '/api/vault/certificates', { commonName: 'kept', sans: ['kept.cell'] })
    assert.equal(issued.status, 201, JSON.stringify(issued.body))
    serial = issued.body.certificate.serial
    assert.equal(await agent.stop(), 0)
  })

  it('opens the same vault after a restart', async () => {
    const agent = await start(PASSPHRASE)
    assert.equal((await agent.api('GET', '/api/vault/ca/certificate')).body, caPem)
    const { body } = await agent.api('GET', '/api/vault/certificates')
    assert.ok(body.certificates.some((cert: { serial: string }) => cert.serial === serial))
    assert.equal(await agent.stop(), 0)
  })

  it('fails only the vault on a wrong passphrase, changing nothing on disk', async () => {
    const vaultDir = join(dataDir, 'vault')
    const before = await snapshot(vaultDir)
    assert.ok(before.size >= 5, [...before.keys()].join(' '))

    const agent = await start('not the passphrase')
    const all = await services(agent)
    const vault = all.get('vault')
    assert.equal(vault?.state, 'failed')
    assert.match(vault?.error ?? '', /passphrase does not unlock this vault/)
    for (const name of ['p2p', 'trust', 'dns']) {
      assert.equal(all.get(name)?.state, 'running', `${name} should keep running`)
    }

    const locked = await agent.api('GET', '/api/vault/certificates')
    assert.equal(locked.status, 423)
    assert.equal(locked.body.error.code, 'ERR_VAULT_LOCKED')
    const status = await agent.api('GET', '/api/vault/status')
    assert.equal(status.body.state, 'failed')
    assert.equal(status.body.locked, true)
    assert.equal((await agent.api('GET', '/health')).status, 200)
    assert.equal(await agent.stop(), 0)

    // Without any passphrase the key-file path is refused the same way.
    const bare = await start('')
    assert.match((await services(bare)).get('vault')?.error ?? '', /passphrase/)
    assert.equal(await bare.stop(), 0)

    assert.deepEqual(await snapshot(vaultDir), before)
  })

  it('reads the passphrase from the file named in the config', async () => {
    const file = join(await tempDataDir('pass-file'), 'passphrase')
    await writeFile(file, `${PASSPHRASE}\n`, { mode: 0o600 })
    const config = JSON.parse(await readFile(join(dataDir, 'config.json'), 'utf8'))
    await writeFile(join(dataDir, 'config.json'), JSON.stringify({ ...config, vault: { passphraseFile: file } }))

    const agent = await start('')
    const status = await agent.api('GET', '/api/vault/status')
    assert.equal(status.body.state, 'running', JSON.stringify(status.body))
    assert.equal(status.body.passphraseSource, 'file')
    assert.equal((await agent.api('GET', '/api/vault/ca/certificate')).body, caPem)
  })
})
