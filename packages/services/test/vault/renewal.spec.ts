import assert from 'node:assert/strict'
import { once } from 'node:events'
import { Vault } from '../../src/vault/index.ts'
import type { RenewedEvent } from '../../src/vault/index.ts'
import { makeTempDir, removeDir, run, writeTemp } from './fixtures.ts'

const DAY = 86_400_000

describe('vault renewal', () => {
  let dir: string
  let work: string
  let vault: Vault

  before(async () => {
    dir = await makeTempDir()
    work = await makeTempDir('vault-work-')
    vault = new Vault({ dir, name: 'alice', renewInterval: 60_000 })
    await vault.open()
  })

  after(async () => {
    await vault?.close()
    await removeDir(dir)
    await removeDir(work)
  })

  it('renews a certificate inside the renewal window and leaves the others', async () => {
    const short = await vault.issue({ commonName: 'short.test', days: 20 })
    const long = await vault.issue({ commonName: 'long.test', days: 365 })
    const events: RenewedEvent[] = []
    const listener = (event: RenewedEvent): void => { events.push(event) }
    vault.on('renewed', listener)
    try {
      // At issue time neither is due: 20 days left of 20 is more than a third of its life.
      assert.deepEqual(await vault.renewDue({ before: 30 * DAY }), [])

      const now = new Date(Date.now() + 15 * DAY)
      const renewed = await vault.renewDue({ now, before: 30 * DAY })
      assert.deepEqual(renewed.map(r => r.previous.serial), [short.serial])
      assert.deepEqual(events.map(e => e.previous.serial), [short.serial])

      const current = renewed[0].current
      assert.equal(current.commonName, 'short.test')
      assert.equal(current.renewedFrom, short.serial)
      assert.equal(renewed[0].previous.status, 'superseded')
      assert.ok(Math.abs(current.notAfter.getTime() - (now.getTime() + 20 * DAY)) < 1000)

      const statuses = new Map(vault.listCertificates(now).map(c => [c.serial, c.status]))
      assert.equal(statuses.get(short.serial), 'superseded')
      assert.equal(statuses.get(long.serial), 'valid')
      assert.equal(statuses.get(current.serial), 'valid')

      // The renewed certificate is itself not due any more.
      assert.deepEqual(await vault.renewDue({ now, before: 30 * DAY }), [])
    } finally {
      vault.off('renewed', listener)
    }
  })

  it('never renews revoked certificates', async () => {
    const issued = await vault.issue({ commonName: 'revoked.test', days: 10 })
    await vault.revoke(issued.serial)
    const renewed = await vault.renewDue({ now: new Date(Date.now() + 9 * DAY), before: 30 * DAY })
    assert.equal(renewed.some(r => r.previous.serial === issued.serial), false)
  })

  it('reuses a service credential until it is due or its names change', async () => {
    const first = await vault.serverCredentials('api', ['api.alice.cell', '127.0.0.1'])
    const again = await vault.serverCredentials('api', ['api.alice.cell', '127.0.0.1'])
    assert.equal(again.serial, first.serial)
    assert.equal(again.keyPem, first.keyPem)
    assert.equal(again.credential, 'api')

    const caPath = await writeTemp(work, 'ca.pem', vault.caPem())
    const verify = await run('openssl', ['verify', '-CAfile', caPath, await writeTemp(work, 'api.pem', again.certPem)])
    assert.equal(verify.code, 0, verify.stderr)

    const renamed = await vault.serverCredentials('api', ['api.alice.cell', 'www.alice.cell'])
    assert.notEqual(renamed.serial, first.serial)
    assert.deepEqual(renamed.sans, ['api.alice.cell', 'www.alice.cell'])
    assert.equal(vault.listCertificates().find(c => c.serial === first.serial)?.status, 'superseded')

    const due = await vault.credentials('api', { commonName: 'api.alice.cell', sans: ['api.alice.cell', 'www.alice.cell'] },
      new Date(renamed.notAfter.getTime() - DAY))
    assert.notEqual(due.serial, renamed.serial)
  })

  it('issues one credential for concurrent requests', async () => {
    const results = await Promise.all([1, 2, 3].map(async () => await vault.serverCredentials('files', ['files.alice.cell'])))
    assert.equal(new Set(results.map(r => r.serial)).size, 1)
    assert.equal(vault.listCertificates().filter(c => c.credential === 'files').length, 1)
  })

  it('replaces a revoked credential on the next request', async () => {
    const first = await vault.serverCredentials('mail', ['mail.alice.cell'])
    await vault.revoke(first.serial, 'keyCompromise')
    const next = await vault.serverCredentials('mail', ['mail.alice.cell'])
    assert.notEqual(next.serial, first.serial)
    await assert.rejects(vault.serverCredentials('../etc', ['x.test']), { code: 'ERR_VAULT_NAME' })
  })

  it('renews in the background once started, announcing it so services can reload', async () => {
    // A credential issued 20 hours ago with one day of life is inside its renewal window now.
    const stale = await vault.credentials('web', { commonName: 'web.alice.cell', days: 1 }, new Date(Date.now() - 20 * 3_600_000))
    const renewed = once(vault, 'renewed', { signal: AbortSignal.timeout(10_000) })
    vault.start()
    const [event] = await renewed as [RenewedEvent]
    await vault.stop()
    assert.equal(event.previous.serial, stale.serial)
    assert.equal(event.current.credential, 'web')
    assert.equal((await vault.serverCredentials('web', ['web.alice.cell'])).serial, event.current.serial)
  })
})
