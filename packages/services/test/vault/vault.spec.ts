import assert from 'node:assert/strict'
import { readFile, rename, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Encrypter } from 'age-encryption'
import { Vault } from '../../src/vault/index.ts'
import { makeTempDir, removeDir, snapshot } from './fixtures.ts'

describe('vault storage', () => {
  let dir: string
  let vault: Vault

  before(async () => {
    dir = await makeTempDir()
    vault = new Vault({ dir, passphrase: 'correct horse battery staple', name: 'alice' })
    await vault.open()
  })

  after(async () => {
    await vault?.close()
    await removeDir(dir)
  })

  it('stores, lists, reads and deletes secrets', async () => {
    await vault.putSecret('smtp-password', Buffer.from('hunter2'))
    await vault.putSecret('api.token', Uint8Array.from([0, 1, 2, 255]))
    assert.deepEqual(await vault.listSecrets(), ['api.token', 'smtp-password'])
    assert.equal((await vault.getSecret('smtp-password')).toString(), 'hunter2')
    assert.deepEqual([...await vault.getSecret('api.token')], [0, 1, 2, 255])

    await vault.putSecret('smtp-password', Buffer.from('changed'))
    assert.equal((await vault.getSecret('smtp-password')).toString(), 'changed')

    assert.equal(await vault.deleteSecret('api.token'), true)
    assert.equal(await vault.deleteSecret('api.token'), false)
    await assert.rejects(vault.getSecret('api.token'), { code: 'ERR_VAULT_SECRET_NOT_FOUND' })
  })

  it('keeps secret files at mode 0600 and never in plaintext', async () => {
    await vault.putSecret('visible-check', Buffer.from('plaintext-marker-123'))
    const path = join(dir, 'secrets', 'visible-check.sealed')
    assert.equal((await stat(path)).mode & 0o777, 0o600)
    assert.equal((await readFile(path)).includes('plaintext-marker-123'), false)
    assert.equal((await stat(join(dir, 'vault.json'))).mode & 0o777, 0o600)
    assert.equal((await stat(dir)).mode & 0o777, 0o700)
  })

  it('refuses names that could leave the secrets folder', async () => {
    for (const name of ['..', '../x', 'a/b', 'a..b', '.hidden', '', 'a\\b', 'x'.repeat(129), 'a b']) {
      await assert.rejects(vault.putSecret(name, Buffer.from('x')), { code: 'ERR_VAULT_NAME' }, name)
      await assert.rejects(vault.getSecret(name), { code: 'ERR_VAULT_NAME' }, name)
    }
  })

  it('refuses oversized secrets', async () => {
    await assert.rejects(vault.putSecret('big', Buffer.alloc(1024 * 1024 + 1)), { code: 'ERR_VAULT_SECRET_TOO_LARGE' })
  })

  it('detects a secret file moved over another name', async () => {
    await vault.putSecret('first', Buffer.from('one'))
    await vault.putSecret('second', Buffer.from('two'))
    await rename(join(dir, 'secrets', 'first.sealed'), join(dir, 'secrets', 'second.sealed'))
    await assert.rejects(vault.getSecret('second'), { code: 'ERR_VAULT_CORRUPT' })
    await vault.deleteSecret('second')
  })

  it('exposes an age recipient that can receive encrypted files', async () => {
    const recipient = vault.ageRecipient()
    assert.match(recipient, /^age1[0-9a-z]{58}$/)
    const encrypter = new Encrypter()
    encrypter.addRecipient(recipient)
    const ciphertext = await encrypter.encrypt('for alice only')
    assert.equal(Buffer.from(await vault.ageDecrypt(ciphertext)).toString(), 'for alice only')
    await assert.rejects(vault.ageDecrypt(Buffer.from('not age')), { code: 'ERR_VAULT_AGE_DECRYPT' })
  })

  it('survives reopening with the passphrase: same CA, secrets and recipient', async () => {
    const caPem = vault.caPem()
    const recipient = vault.ageRecipient()
    await vault.putSecret('kept', Buffer.from('across restarts'))
    await vault.close()
    await assert.rejects(vault.getSecret('kept'), { code: 'ERR_VAULT_CLOSED' })

    vault = new Vault({ dir, passphrase: 'correct horse battery staple', name: 'alice' })
    await vault.open()
    assert.equal(vault.caPem(), caPem)
    assert.equal(vault.ageRecipient(), recipient)
    assert.equal((await vault.getSecret('kept')).toString(), 'across restarts')
  })

  it('refuses a wrong or missing passphrase and leaves every file byte-identical', async () => {
    await vault.close()
    const before = await snapshot(dir)

    const wrong = new Vault({ dir, passphrase: 'correct horse battery stapler' })
    await assert.rejects(wrong.open(), {
      name: 'VaultPassphraseError', code: 'ERR_VAULT_PASSPHRASE', message: /passphrase does not unlock this vault/
    })
    assert.equal(wrong.isOpen, false)
    const missing = new Vault({ dir })
    await assert.rejects(missing.open(), { code: 'ERR_VAULT_PASSPHRASE', message: /protected by a passphrase/ })

    assert.deepEqual(await snapshot(dir), before)
    vault = new Vault({ dir, passphrase: 'correct horse battery staple', name: 'alice' })
    await vault.open()
  })

  it('changes the passphrase without re-encrypting secrets', async () => {
    await vault.putSecret('rekeyed', Buffer.from('still here'))
    await assert.rejects(vault.changePassphrase('nope', 'new passphrase'), { code: 'ERR_VAULT_PASSPHRASE' })
    await vault.changePassphrase('correct horse battery staple', 'new passphrase')
    await vault.close()

    await assert.rejects(new Vault({ dir, passphrase: 'correct horse battery staple' }).open(), { code: 'ERR_VAULT_PASSPHRASE' })
    vault = new Vault({ dir, passphrase: 'new passphrase', name: 'alice' })
    await vault.open()
    assert.equal((await vault.getSecret('rekeyed')).toString(), 'still here')
  })

  it('reports a damaged header as corruption', async () => {
    const other = await makeTempDir()
    try {
      const v = new Vault({ dir: other })
      await v.open()
      await v.close()
      await writeFile(join(other, 'vault.json'), '{"format":"pic-vault","version":1,"kdf":{"id":"scrypt","N":1099511627776}}')
      await assert.rejects(new Vault({ dir: other, passphrase: 'x' }).open(), { code: 'ERR_VAULT_CORRUPT' })
    } finally {
      await removeDir(other)
    }
  })
})

describe('vault without passphrase', () => {
  let dir: string

  before(async () => { dir = await makeTempDir() })
  after(async () => { await removeDir(dir) })

  it('keeps its key in a 0600 key file and reopens from it', async () => {
    const vault = new Vault({ dir })
    await vault.open()
    await vault.putSecret('token', Buffer.from('abc'))
    await vault.close()
    assert.equal((await stat(join(dir, 'master.key'))).mode & 0o777, 0o600)
    assert.equal((await stat(join(dir, 'master.key'))).size, 32)

    const again = new Vault({ dir })
    await again.open()
    assert.equal((await again.getSecret('token')).toString(), 'abc')
    await again.close()

    const before = await snapshot(dir)
    await assert.rejects(new Vault({ dir, passphrase: 'x' }).open(), { code: 'ERR_VAULT_PASSPHRASE', message: /key file/ })
    await writeFile(join(dir, 'master.key'), Buffer.alloc(32))
    const changed = await snapshot(dir)
    await assert.rejects(new Vault({ dir }).open(), { code: 'ERR_VAULT_CORRUPT', message: /master\.key/ })
    assert.deepEqual(await snapshot(dir), changed)
    assert.notDeepEqual(changed, before)
  })
})
