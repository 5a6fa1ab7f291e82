/**
 * Cost of the vault's operations: creating and unlocking a vault, storing
 * secrets, issuing certificates (and how long issuing blocks the event
 * loop), and signing CRLs of growing size.
 *
 * Every figure is the median of `runs` repetitions timed with
 * performance.now() around the public API call, on a temp dir in os.tmpdir()
 * (each write is fsynced, so the disk matters). Event-loop blocking is the
 * largest delay seen by perf_hooks.monitorEventLoopDelay (10 ms resolution)
 * while the call ran. CRL figures time the CRL build and signature alone
 * (buildCrl), with synthetic revoked serials.
 *
 *   npx node bench/vault-ca.ts [runs]
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { Vault } from '../packages/services/src/index.ts'
import { buildCrl } from '../packages/services/src/vault/crl.ts'
import { generateRsaKey, randomSerial } from '../packages/services/src/vault/keys.ts'
import { buildCaCertificate } from '../packages/services/src/vault/cert-builder.ts'
import { median, report } from './stats.ts'

const runs = Number(process.argv[2] ?? 7)
const root = await mkdtemp(join(tmpdir(), 'bench-vault-'))

async function timed (fn: () => Promise<unknown>): Promise<{ ms: number, blockedMs: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 10 })
  histogram.enable()
  const start = performance.now()
  await fn()
  const ms = performance.now() - start
  histogram.disable()
  return { ms, blockedMs: histogram.max / 1e6 }
}

try {
  const create: number[] = []
  const unlock: number[] = []
  for (let i = 0; i < runs; i++) {
    const dir = join(root, `v${i}`)
    create.push((await timed(async () => { const v = new Vault({ dir, passphrase: 'pw' }); await v.open(); await v.close() })).ms)
    unlock.push((await timed(async () => { const v = new Vault({ dir, passphrase: 'pw' }); await v.open(); await v.close() })).ms)
  }

  const vault = new Vault({ dir: join(root, 'main') })
  await vault.open()
  const put: number[] = []
  const get: number[] = []
  const issue: number[] = []
  const issueBlocked: number[] = []
  for (let i = 0; i < runs * 3; i++) {
    put.push((await timed(async () => { await vault.putSecret(`s${i}`, Buffer.alloc(1024, i)) })).ms)
    get.push((await timed(async () => { await vault.getSecret(`s${i}`) })).ms)
    const result = await timed(async () => { await vault.issue({ commonName: `svc${i}.test` }) })
    issue.push(result.ms)
    issueBlocked.push(result.blockedMs)
  }
  await vault.close()

  report('vault lifecycle and secrets', [
    ['create (CA + age identity + scrypt)', median(create), 'ms'],
    ['unlock with passphrase', median(unlock), 'ms'],
    ['putSecret 1 KiB', median(put), 'ms'],
    ['getSecret 1 KiB', median(get), 'ms'],
    ['issue RSA-2048 certificate', median(issue), 'ms'],
    ['event loop blocked during issue', median(issueBlocked), 'ms (max delay)']
  ], `median of ${runs} runs (secrets and issue: ${runs * 3})`)

  const key = await generateRsaKey()
  const signer = { cert: buildCaCertificate(randomSerial(), 'bench CA', key, new Date()), privateKey: key.privateKey }
  const rows: Array<[string, number, string?]> = []
  for (const size of [0, 100, 1000, 10_000]) {
    const revoked = Array.from({ length: size }, () => ({ serial: randomSerial(), revokedAt: new Date(), reason: 'keyCompromise' as const }))
    const times: number[] = []
    let bytes = 0
    for (let i = 0; i < runs; i++) {
      const start = performance.now()
      bytes = buildCrl(signer, { number: i + 1, thisUpdate: new Date(), nextUpdate: new Date(Date.now() + 1e9), revoked }).der.length
      times.push(performance.now() - start)
    }
    rows.push([`CRL with ${size} revoked`, median(times), `ms, ${bytes} bytes DER`])
  }
  report('CRL signing', rows, `median of ${runs} runs of buildCrl`)
} finally {
  await rm(root, { recursive: true, force: true })
}
