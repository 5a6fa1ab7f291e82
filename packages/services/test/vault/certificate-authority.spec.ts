import assert from 'node:assert/strict'
import { X509Certificate } from 'node:crypto'
import { stat } from 'node:fs/promises'
import { createServer } from 'node:https'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import { Vault } from '../../src/vault/index.ts'
import { openTestVault, run, writeTemp } from './fixtures.ts'
import type { TestVault } from './fixtures.ts'

describe('vault certificate authority', () => {
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

  it('creates a self-signed root CA that openssl accepts', async () => {
    const ca = new X509Certificate(vault.caPem())
    assert.equal(ca.ca, true)
    assert.match(ca.subject, /CN=alice CA/)
    const text = await run('openssl', ['x509', '-in', caPath, '-noout', '-text'])
    assert.match(text.stdout, /CA:TRUE/)
    assert.match(text.stdout, /Certificate Sign, CRL Sign/)
    assert.match(text.stdout, /Public-Key: \(2048 bit\)/)
  })

  it('issues a server certificate that passes openssl verify with the right fields', async () => {
    const issued = await vault.issue({ commonName: 'files.alice.cell', sans: ['files.alice.cell', '127.0.0.1', '::1'], days: 30 })
    const certPath = await writeTemp(work, 'server.pem', issued.certPem)

    const verify = await run('openssl', ['verify', '-CAfile', caPath, certPath])
    assert.equal(verify.code, 0, verify.stderr)
    assert.match(verify.stdout, /server\.pem: OK/)

    const text = (await run('openssl', ['x509', '-in', certPath, '-noout', '-text'])).stdout
    assert.match(text, /DNS:files\.alice\.cell, IP Address:127\.0\.0\.1, IP Address:0:0:0:0:0:0:0:1/)
    assert.match(text, /TLS Web Server Authentication/)
    assert.doesNotMatch(text, /TLS Web Client Authentication/)
    assert.match(text, /CA:FALSE/)

    const serial = (await run('openssl', ['x509', '-in', certPath, '-noout', '-serial'])).stdout.trim()
    assert.equal(serial, `serial=${issued.serial.toUpperCase()}`)
    assert.ok(issued.serial.length <= 32 && issued.serial.length >= 2)

    const days = (issued.notAfter.getTime() - Date.now()) / 86_400_000
    assert.ok(days > 29.9 && days <= 30, `validity ${days} days`)
    assert.deepEqual(issued.sans, ['files.alice.cell', '127.0.0.1', '::1'])
    assert.equal(issued.status, 'valid')
  })

  it('keeps the issued key sealed and the certificate public', async () => {
    const issued = await vault.issue({ commonName: 'sealed.test' })
    assert.equal((await stat(join(dir, 'certs', `${issued.serial}.sealed`))).mode & 0o777, 0o600)
    assert.equal((await stat(join(dir, 'certs', `${issued.serial}.pem`))).mode & 0o777, 0o644)
    const fetched = await vault.getCertificate(issued.serial)
    assert.equal(fetched.certPem, issued.certPem)
    assert.equal('keyPem' in fetched, false)
  })

  it('issues client certificates, and both usages at once', async () => {
    const client = await vault.issue({ commonName: 'bob-laptop', usage: 'client' })
    const both = await vault.issue({ commonName: 'peer.cell', usage: ['client', 'server'] })
    const clientText = (await run('openssl', ['x509', '-noout', '-text', '-in', await writeTemp(work, 'c.pem', client.certPem)])).stdout
    const bothText = (await run('openssl', ['x509', '-noout', '-text', '-in', await writeTemp(work, 'b.pem', both.certPem)])).stdout
    assert.match(clientText, /TLS Web Client Authentication/)
    assert.doesNotMatch(clientText, /Server Authentication/)
    assert.match(bothText, /TLS Web Server Authentication, TLS Web Client Authentication/)
    assert.deepEqual(both.usage, ['server', 'client'])
  })

  it('serves HTTPS that curl accepts with only the cell CA', async () => {
    const issued = await vault.issue({ commonName: 'api.alice.cell', sans: ['api.alice.cell', '127.0.0.1'] })
    const server = createServer({ key: issued.keyPem, cert: issued.certPem }, (_req, res) => { res.end('hello from the cell\n') })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    try {
      const byName = await run('curl', ['-sS', '--cacert', caPath, '--resolve', `api.alice.cell:${port}:127.0.0.1`, `https://api.alice.cell:${port}/`])
      assert.equal(byName.code, 0, byName.stderr)
      assert.equal(byName.stdout, 'hello from the cell\n')

      const byIp = await run('curl', ['-sS', '--cacert', caPath, `https://127.0.0.1:${port}/`])
      assert.equal(byIp.stdout, 'hello from the cell\n')

      const wrongName = await run('curl', ['-sS', '--cacert', caPath, '--resolve', `other.cell:${port}:127.0.0.1`, `https://other.cell:${port}/`])
      assert.notEqual(wrongName.code, 0)
      const systemTrust = await run('curl', ['-sS', `https://127.0.0.1:${port}/`])
      assert.notEqual(systemTrust.code, 0)
    } finally {
      await new Promise(resolve => server.close(resolve))
    }
  })

  it('refuses invalid requests before generating anything', async () => {
    const count = vault.listCertificates().length
    const bad = [
      { commonName: '' },
      { commonName: 'x'.repeat(65) },
      { commonName: 'a\nb' },
      { commonName: 'cn=evil,o=x' },
      { commonName: 'no sans here' },
      { commonName: 'ok.test', sans: ['-bad-.test'] },
      { commonName: 'ok.test', sans: ['*.com'] },
      { commonName: 'ok.test', days: 0 },
      { commonName: 'ok.test', days: 1.5 },
      { commonName: 'ok.test', days: 100_000 },
      { commonName: 'ok.test', usage: 'admin' as 'server' }
    ]
    for (const request of bad) {
      await assert.rejects(vault.issue(request), { code: 'ERR_VAULT_CERT_REQUEST' }, JSON.stringify(request))
    }
    assert.equal(vault.listCertificates().length, count)
  })

  it('lists certificates with serial, names, validity and status', async () => {
    const issued = await vault.issue({ commonName: 'listed.test', sans: ['listed.test', '10.1.2.3'] })
    const entry = vault.listCertificates().find(c => c.serial === issued.serial)
    assert.ok(entry != null)
    assert.equal(entry.commonName, 'listed.test')
    assert.deepEqual(entry.sans, ['listed.test', '10.1.2.3'])
    assert.equal(entry.status, 'valid')
    assert.equal(entry.notAfter.getTime(), issued.notAfter.getTime())
    const later = new Date(issued.notAfter.getTime() + 1000)
    assert.equal(vault.listCertificates(later).find(c => c.serial === issued.serial)?.status, 'expired')
  })

  it('renews with the same subject and SANs, a new key and a new serial', async () => {
    const issued = await vault.issue({ commonName: 'renew.test', sans: ['renew.test', '127.0.0.2'] })
    const events: string[] = []
    vault.once('renewed', event => { events.push(`${event.previous.serial}->${event.current.serial}`) })
    const renewed = await vault.renew(issued.serial)

    assert.notEqual(renewed.serial, issued.serial)
    assert.notEqual(renewed.keyPem, issued.keyPem)
    assert.equal(renewed.commonName, 'renew.test')
    assert.deepEqual(renewed.sans, issued.sans)
    assert.equal(renewed.renewedFrom, issued.serial)
    assert.deepEqual(events, [`${issued.serial}->${renewed.serial}`])
    const old = vault.listCertificates().find(c => c.serial === issued.serial)
    assert.equal(old?.status, 'superseded')
    assert.equal(old?.supersededBy, renewed.serial)
    await assert.rejects(vault.renew(issued.serial), { code: 'ERR_VAULT_CERT_STATE' })
    await assert.rejects(vault.renew('abcdef'), { code: 'ERR_VAULT_CERT_NOT_FOUND' })

    const verify = await run('openssl', ['verify', '-CAfile', caPath, await writeTemp(work, 'renewed.pem', renewed.certPem)])
    assert.equal(verify.code, 0, verify.stderr)
  })

  it('keeps issued certificates across a reopen', async () => {
    const issued = await vault.issue({ commonName: 'persist.test' })
    await vault.close()
    vault = new Vault({ dir, name: 'alice' })
    await vault.open()
    const entry = vault.listCertificates().find(c => c.serial === issued.serial)
    assert.equal(entry?.status, 'valid')
    assert.equal((await vault.getCertificate(issued.serial)).certPem, issued.certPem)
  })
})

