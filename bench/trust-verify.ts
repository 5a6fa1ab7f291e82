/**
 * Record verification throughput: how many sealed attestations per second
 * `openRecord` checks (decode, schema, issuer, Ed25519 signature, window),
 * next to a bare Ed25519 verify through @libp2p/crypto, and sealing speed.
 *
 * Method: 2,000 distinct attestations from 20 issuers; each measurement
 * processes all of them, repeated 7 times, median reported as ops/s.
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { openRecord, sealRecord } from '@cell/trust'
import { median, report } from './stats.ts'
import type { Attestation } from '@cell/trust'

const T0 = Date.UTC(2025, 0, 1)
const COUNT = 2000
const RUNS = 7

const keys = await Promise.all(Array.from({ length: 20 }, async () => generateKeyPair('Ed25519')))
const ids = keys.map(key => peerIdFromPrivateKey(key).toString())
const records: Attestation[] = Array.from({ length: COUNT }, (_, i) => ({
  issuer: ids[i % ids.length],
  subject: ids[(i + 1) % ids.length],
  level: 'full',
  scopes: ['mesh', 'dns'],
  maxDepth: 2,
  seq: T0 + i,
  notBefore: T0,
  notAfter: T0 + 86_400_000
}))

function rate (fn: () => void): number {
  const samples: number[] = []
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now()
    fn()
    samples.push(COUNT / ((performance.now() - start) / 1000))
  }
  return median(samples)
}

let sealed: Uint8Array[] = []
const sealRate = rate(() => { sealed = records.map((r, i) => sealRecord(keys[i % keys.length], 'attestation', r)) })
const openRate = rate(() => { for (const bytes of sealed) openRecord(bytes, { now: T0 + 1 }) })
const data = new TextEncoder().encode('x'.repeat(200))
const signatures = keys.map(key => key.sign(data) as Uint8Array)
const verifyRate = rate(() => {
  for (let i = 0; i < COUNT; i++) keys[i % keys.length].publicKey.verify(data, signatures[i % keys.length])
})

report('trust verify', [
  ['sealRecord (attestations/s)', Math.round(sealRate)],
  ['openRecord, full checks (attestations/s)', Math.round(openRate), `${sealed[0].byteLength} bytes each`],
  ['bare Ed25519 verify (verifications/s)', Math.round(verifyRate)]
], `${COUNT} records per run, median of ${RUNS} runs`)
