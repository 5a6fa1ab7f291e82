/**
 * Ed25519 verification with cached node:crypto key objects.
 *
 * @libp2p/crypto's `publicKey.verify` imports the key from JWK on every
 * call, which costs more than the verification itself; gossip verifies the
 * same few hundred issuers over and over, so the imported KeyObject is
 * kept per key (bounded cache). Same primitive (node:crypto Ed25519, RFC 8032).
 */
import { createPublicKey, verify } from 'node:crypto'
import type { KeyObject } from 'node:crypto'

/** DER SubjectPublicKeyInfo prefix for an Ed25519 key (RFC 8410 section 4). */
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')
const CACHE_LIMIT = 10_000
const cache = new Map<string, KeyObject>()

function keyObject (raw: Uint8Array): KeyObject {
  const id = Buffer.from(raw).toString('base64')
  let key = cache.get(id)
  if (key == null) {
    key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' })
    if (cache.size >= CACHE_LIMIT) cache.clear()
    cache.set(id, key)
  }
  return key
}

/** Whether `signature` is a valid Ed25519 signature of `data` by the 32-byte key `raw`. */
export function verifyEd25519 (raw: Uint8Array, data: Uint8Array, signature: Uint8Array): boolean {
  if (raw.byteLength !== 32 || signature.byteLength !== 64) {
    return false
  }
  try {
    return verify(null, data, keyObject(raw), signature)
  } catch {
    return false
  }
}
