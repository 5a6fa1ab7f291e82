/**
 * The signature a cell makes on every Noise handshake: @libp2p/crypto's
 * Ed25519 key (imports itself from JWK per signature) against the same key
 * wrapped by the agent's withCachedSigning (one imported key object).
 *
 * Method: 2,000 signatures of a 100-byte handshake payload per run, both
 * variants alternating, 7 runs, median ops/s and the ratio of the medians.
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import { withCachedSigning } from '../packages/agent/src/p2p/cached-signing-key.ts'
import { median, report } from './stats.ts'

const COUNT = 2000
const RUNS = 7

const key = await generateKeyPair('Ed25519')
const cached = withCachedSigning(key)
const payload = new Uint8Array(100).fill(1)

function once (sign: (data: Uint8Array) => unknown): number {
  const start = performance.now()
  for (let i = 0; i < COUNT; i++) sign(payload)
  return COUNT / ((performance.now() - start) / 1000)
}

const plain: number[] = []
const withCache: number[] = []
for (let run = 0; run < RUNS; run++) {
  plain.push(once(data => key.sign(data)))
  withCache.push(once(data => cached.sign(data)))
}

report('handshake signing', [
  ['@libp2p/crypto Ed25519 sign (signatures/s)', Math.round(median(plain))],
  ['withCachedSigning (signatures/s)', Math.round(median(withCache))],
  ['speed-up (ratio of medians)', Math.round(median(withCache) / median(plain) * 10) / 10]
], `${COUNT} signatures per run, ${RUNS} runs alternating, median`)
