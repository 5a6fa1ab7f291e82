import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { resolvePassphrase } from '../../src/services/vault-passphrase.ts'

describe('resolvePassphrase', () => {
  let dir: string

  before(async () => { dir = await mkdtemp(join(tmpdir(), 'cell-passphrase-')) })
  after(async () => { await rm(dir, { recursive: true, force: true }) })

  it('prefers the environment, then the file, else the key file', async () => {
    const file = join(dir, 'pass')
    await writeFile(file, 'from file\r\n')
    assert.deepEqual(await resolvePassphrase(file, { CELL_VAULT_PASSPHRASE: 'from env' }), { passphrase: 'from env', source: 'env' })
    assert.deepEqual(await resolvePassphrase(file, { CELL_VAULT_PASSPHRASE: '' }), { passphrase: 'from file', source: 'file' })
    assert.deepEqual(await resolvePassphrase(undefined, {}), { source: 'none' })
  })

  it('keeps inner whitespace and strips one line break only', async () => {
    const file = join(dir, 'spaces')
    await writeFile(file, ' two words \n\n')
    assert.equal((await resolvePassphrase(file, {})).passphrase, ' two words \n')
  })

  it('refuses a missing, empty, oversized or non-regular file with a typed error', async () => {
    const empty = join(dir, 'empty')
    await writeFile(empty, '\n')
    const big = join(dir, 'big')
    await writeFile(big, 'x'.repeat(5000))
    for (const [file, reason] of [[join(dir, 'missing'), /ENOENT/], [empty, /empty/], [big, /larger than/], [dir, /not a regular file/]] as const) {
      await assert.rejects(resolvePassphrase(file, {}), (err: Error & { code?: string }) => {
        assert.equal(err.code, 'ERR_VAULT_PASSPHRASE_FILE')
        assert.match(err.message, reason)
        return true
      })
    }
  })
})
