import assert from 'node:assert/strict'
import { Vault } from '../../src/vault/index.ts'
import { openTestVault, run, writeTemp } from './fixtures.ts'
import type { TestVault } from './fixtures.ts'

describe('vault CRL', () => {
  let dir: string
  let work: string
  let vault: Vault
  let caPath: string
  let testVault: TestVault | undefined

  before(async () => {
    testVault = await openTestVault()
    ;({ dir, work, vault, caPath } = testVault)
  })

  after(async () => {
    await vault?.close()
    await testVault?.removeDirs()
  })

  it('publishes an empty v2 CRL that openssl parses and checks against the CA', async () => {
    const crl = await vault.crl()
    const crlPath = await writeTemp(work, 'empty.crl.pem', crl.pem)
    const text = await run('openssl', ['crl', '-in', crlPath, '-text', '-noout', '-CAfile', caPath])
    assert.equal(text.code, 0, text.stderr)
    assert.match(text.stderr + text.stdout, /verify OK/)
    assert.match(text.stdout, /Version 2/)
    assert.match(text.stdout, /No Revoked Certificates/)
    assert.match(text.stdout, /X509v3 CRL Number: \n\s+\d+/)
    assert.ok(crl.nextUpdate > crl.thisUpdate)
  })

  it('lists a revoked serial with its reason, in PEM and DER', async () => {
    const issued = await vault.issue({ commonName: 'stolen.test' })
    const kept = await vault.issue({ commonName: 'kept.test' })
    const revoked = await vault.revoke(issued.serial, 'keyCompromise')
    assert.equal(revoked.status, 'revoked')
    assert.equal(revoked.revocationReason, 'keyCompromise')

    const crl = await vault.crl()
    const pemPath = await writeTemp(work, 'crl.pem', crl.pem)
    const derPath = await writeTemp(work, 'crl.der', crl.der)
    for (const [path, form] of [[pemPath, 'PEM'], [derPath, 'DER']]) {
      const text = await run('openssl', ['crl', '-inform', form, '-in', path, '-text', '-noout'])
      assert.equal(text.code, 0, text.stderr)
      assert.match(text.stdout, new RegExp(`Serial Number: ${issued.serial.toUpperCase()}`))
      assert.match(text.stdout, /Key Compromise/)
      assert.doesNotMatch(text.stdout, new RegExp(kept.serial.toUpperCase()))
    }
  })

  it('makes openssl verify -crl_check fail for the revoked certificate only', async () => {
    const revoked = await vault.issue({ commonName: 'gone.test' })
    const good = await vault.issue({ commonName: 'good.test' })
    await vault.revoke(revoked.serial, 'cessationOfOperation')
    const crlPath = await writeTemp(work, 'check.crl.pem', (await vault.crl()).pem)

    const bad = await run('openssl', ['verify', '-crl_check', '-CAfile', caPath, '-CRLfile', crlPath,
      await writeTemp(work, 'gone.pem', revoked.certPem)])
    assert.notEqual(bad.code, 0)
    assert.match(bad.stdout + bad.stderr, /certificate revoked/)

    const ok = await run('openssl', ['verify', '-crl_check', '-CAfile', caPath, '-CRLfile', crlPath,
      await writeTemp(work, 'good.pem', good.certPem)])
    assert.equal(ok.code, 0, ok.stdout + ok.stderr)
  })

  it('raises the CRL number on every revocation and refuses a second revocation', async () => {
    const issued = await vault.issue({ commonName: 'twice.test' })
    const before = (await vault.crl()).number
    await vault.revoke(issued.serial)
    const after = await vault.crl()
    assert.ok(after.number > before)
    await assert.rejects(vault.revoke(issued.serial), { code: 'ERR_VAULT_CERT_STATE' })
    await assert.rejects(vault.revoke('00ff'), { code: 'ERR_VAULT_CERT_NOT_FOUND' })
    await assert.rejects(vault.revoke(issued.serial, 'bogus' as 'unspecified'), { code: 'ERR_VAULT_CERT_REQUEST' })
    // "unspecified" carries no reasonCode extension (RFC 5280 5.3.1).
    const text = await run('openssl', ['crl', '-in', await writeTemp(work, 'u.pem', after.pem), '-text', '-noout'])
    const block = text.stdout.split(`Serial Number: ${issued.serial.toUpperCase()}`)[1]?.split('Serial Number:')[0] ?? ''
    assert.doesNotMatch(block, /Reason Code/)
  })

  it('emits revoked and keeps revocations across a reopen', async () => {
    const issued = await vault.issue({ commonName: 'event.test' })
    const seen: string[] = []
    vault.once('revoked', info => { seen.push(info.serial) })
    await vault.revoke(issued.serial, 'superseded')
    assert.deepEqual(seen, [issued.serial])

    await vault.close()
    vault = new Vault({ dir, name: 'alice' })
    await vault.open()
    const text = await run('openssl', ['crl', '-in', await writeTemp(work, 'reopen.pem', (await vault.crl()).pem), '-text', '-noout'])
    assert.match(text.stdout, new RegExp(issued.serial.toUpperCase()))
    await assert.rejects(vault.getCertificate('zz'), { code: 'ERR_VAULT_CERT_NOT_FOUND' })
  })

  it('drops an expired certificate once a CRL issued after its expiry has listed it', async () => {
    const DAY = 86_400_000
    const shortLived = await vault.issue({ commonName: 'short.test', days: 1 })
    const longLived = await vault.issue({ commonName: 'long.test', days: 90 })
    const start = Date.now()
    await vault.revoke(shortLived.serial, 'keyCompromise')
    await vault.revoke(longLived.serial, 'keyCompromise')
    const serials = async (crl: { pem: string }, label: string): Promise<string> =>
      (await run('openssl', ['crl', '-in', await writeTemp(work, `${label}.pem`, crl.pem), '-text', '-noout'])).stdout

    const afterExpiry = await serials(await vault.crl(new Date(start + 4 * DAY)), 'after-expiry')
    assert.match(afterExpiry, new RegExp(shortLived.serial.toUpperCase()), 'listed on the first CRL issued after it expired')

    const later = await serials(await vault.crl(new Date(start + 8 * DAY)), 'later')
    assert.doesNotMatch(later, new RegExp(shortLived.serial.toUpperCase()), 'then gone')
    assert.match(later, new RegExp(longLived.serial.toUpperCase()), 'a revoked certificate still valid stays')
  })
})
