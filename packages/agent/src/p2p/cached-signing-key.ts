/**
 * An Ed25519 private key that signs with one imported node:crypto key.
 *
 * @libp2p/crypto's Ed25519 key imports itself from JWK on every `sign`,
 * and the import costs about ten times the signature. libp2p signs on
 * every Noise handshake (and identify's signed peer records), so a cell
 * opening many connections spent most of a handshake importing its own
 * key: profiles of a few hundred cells in one process showed a quarter
 * of all CPU there. Same primitive, same deterministic signatures.
 */
import { createPrivateKey, sign } from 'node:crypto'
import type { AbortOptions, PrivateKey } from '@libp2p/interface'

type Signable = Parameters<PrivateKey['sign']>[0]

/** DER PKCS#8 prefix of an Ed25519 private key, followed by its 32-byte seed (RFC 8410 section 7). */
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')

export function withCachedSigning (key: PrivateKey): PrivateKey {
  if (key.type !== 'Ed25519') return key

  const keyObject = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, key.raw.subarray(0, 32)]), format: 'der', type: 'pkcs8' })
  const signWithCachedKey = (message: Signable, options?: AbortOptions): Uint8Array => {
    options?.signal?.throwIfAborted()
    return sign(null, message instanceof Uint8Array ? message : message.subarray(), keyObject)
  }

  // A copy with the original's prototype, so `instanceof` checks, `type`,
  // `raw`, `publicKey` and `equals` behave exactly as before.
  const cached = Object.assign(Object.create(Object.getPrototypeOf(key)) as PrivateKey, key)
  Object.defineProperty(cached, 'sign', { value: signWithCachedKey })
  return cached
}
