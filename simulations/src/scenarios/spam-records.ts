/**
 * What the spam scenario's attackers flood. Invalid records: random bytes,
 * and attestations "by" honest cells whose signature does not verify (an
 * honest key signed them, then one signature byte was flipped, as a forger
 * without the key would produce). Valid-but-useless records: correctly
 * signed attestations by fresh keys nobody trusts, about other fresh keys.
 */
import { randomBytes } from 'node:crypto'
import { sealRecord } from '@cell/trust'
import { ATTESTATION_LIFETIME } from '../constants.ts'
import { createIdentity } from '../core/identities.ts'
import type { Identity } from '../core/identities.ts'
import type { Random } from '../core/random.ts'
import type { Attestation } from '@cell/trust'

/** Records each fresh key signs before the attacker takes the next key. */
const RECORDS_PER_KEY = 10
const MIN_JUNK_BYTES = 16
const MAX_JUNK_BYTES = 600

function attestation (issuer: string, subject: string, seq: number, now: number): Attestation {
  return { issuer, subject, level: 'full', scopes: ['*'], maxDepth: 2, seq, notBefore: now, notAfter: now + ATTESTATION_LIFETIME }
}

/** `count` records that fail verification, half junk bytes, half forged signatures of `victims`. */
export function invalidRecords (count: number, attacker: Identity, victims: Identity[], now: number, random: Random): Uint8Array[] {
  const out: Uint8Array[] = []
  for (let i = 0; i < count; i++) {
    if (i % 2 === 0 || victims.length === 0) {
      out.push(randomBytes(MIN_JUNK_BYTES + random.int(MAX_JUNK_BYTES - MIN_JUNK_BYTES)))
      continue
    }
    const victim = random.pick(victims)
    const sealed = sealRecord(victim.privateKey, 'attestation', attestation(victim.id, attacker.id, now + i, now))
    // The signature is the envelope's last field: flip its last byte.
    sealed[sealed.byteLength - 1] ^= 0xff
    out.push(sealed)
  }
  return out
}

/**
 * `count` correctly signed attestations by fresh keys (derived from the
 * seed, attacker index and a running key number, so runs repeat).
 */
export async function uselessRecords (count: number, seed: number, attacker: number, firstKey: number, now: number): Promise<Uint8Array[]> {
  const out: Uint8Array[] = []
  for (let k = 0; out.length < count; k++) {
    const key = await createIdentity(seed, 'sybil', attacker * 1_000_000 + firstKey + k)
    for (let j = 0; j < RECORDS_PER_KEY && out.length < count; j++) {
      const subject = await createIdentity(seed, 'sybil', attacker * 1_000_000 + 500_000 + firstKey * RECORDS_PER_KEY + k * RECORDS_PER_KEY + j)
      out.push(sealRecord(key.privateKey, 'attestation', attestation(key.id, subject.id, now + j, now)))
    }
  }
  return out
}
