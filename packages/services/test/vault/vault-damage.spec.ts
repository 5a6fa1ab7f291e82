import assert from 'node:assert/strict'
import { cp, readFile, rm, truncate, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Vault } from '../../src/vault/index.ts'
import { makeTempDir, removeDir, snapshot } from './fixtures.ts'

/**
 * Damaged or hostile files under the vault directory must be reported as
 * ERR_VAULT_CORRUPT naming the file, never crash, and never be "repaired"
 * by overwriting what is there.
 */
describe('vault with damaged files', () => {
  let pristine: string
  let other: string
  const copies: string[] = []

  before(async () => {
    pristine = await makeTempDir()
    other = await makeTempDir()
    const vault = new Vault({ dir: pristine, passphrase: 'pw' })
    await vault.open()
    await vault.putSecret('token', Buffer.from('t'))
    await vault.issue({ commonName: 'svc.test' })
    await vault.close()
    const second = new Vault({ dir: other })
    await second.open()
    await second.close()
  })

  after(async () => {
    for (const dir of [pristine, other, ...copies]) await removeDir(dir)
  })

  async function damaged (damage: (dir: string) => Promise<void>): Promise<string> {
    const dir = await makeTempDir()
    copies.push(dir)
    await cp(pristine, dir, { recursive: true })
    await damage(dir)
    return dir
  }

  async function expectCorrupt (dir: string, file: RegExp): Promise<void> {
    const before = await snapshot(dir)
    await assert.rejects(new Vault({ dir, passphrase: 'pw' }).open(), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'ERR_VAULT_CORRUPT', err.message)
      assert.match(err.message, file)
      return true
    })
    assert.deepEqual(await snapshot(dir), before)
  }

  it('refuses a header that is not JSON or asks for absurd scrypt costs', async () => {
    await expectCorrupt(await damaged(async dir => { await writeFile(join(dir, 'vault.json'), 'garbage') }), /vault\.json/)
    await expectCorrupt(await damaged(async dir => {
      const header = JSON.parse(await readFile(join(dir, 'vault.json'), 'utf8'))
      header.kdf.N = 2 ** 30
      await writeFile(join(dir, 'vault.json'), JSON.stringify(header))
    }), /vault\.json/)
  })

  it('refuses a truncated CA key and a CA certificate from another vault', async () => {
    await expectCorrupt(await damaged(async dir => { await truncate(join(dir, 'internal', 'ca-key.sealed'), 40) }), /ca-key/)
    await expectCorrupt(await damaged(async dir => {
      await cp(join(other, 'ca.pem'), join(dir, 'ca.pem'))
    }), /ca\.pem/)
  })

  it('refuses a malformed certificate registry or peer list', async () => {
    await expectCorrupt(await damaged(async dir => {
      await writeFile(join(dir, 'certificates.json'), JSON.stringify({ version: 1, certificates: [{ serial: '../../x' }], crl: { number: 0 } }))
    }), /certificates\.json/)
    await expectCorrupt(await damaged(async dir => { await writeFile(join(dir, 'peers.json'), '[1,2') }), /peers\.json/)
  })

  it('will not create a new vault over secrets whose header was lost', async () => {
    const dir = await damaged(async dir => { await rm(join(dir, 'vault.json')) })
    await expectCorrupt(dir, /refusing to create a new vault/)
  })
})
