/**
 * The cached-signing key must be indistinguishable from the key it wraps:
 * the same deterministic signatures, the same identity, the same encoding.
 */
import assert from 'node:assert/strict'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { Uint8ArrayList } from 'uint8arraylist'
import { withCachedSigning } from '../../src/p2p/cached-signing-key.ts'

describe('p2p/cached-signing-key', () => {
  it('signs exactly as the wrapped Ed25519 key does', async () => {
    const key = await generateKeyPair('Ed25519')
    const cached = withCachedSigning(key)
    for (const message of [new Uint8Array(0), Buffer.from('noise handshake payload'), new Uint8Array(4096).fill(7)]) {
      const expected = await key.sign(message)
      const signature = await cached.sign(message)
      assert.deepEqual(Buffer.from(signature), Buffer.from(expected))
      assert.equal(await key.publicKey.verify(message, signature), true)
    }
    const list = new Uint8ArrayList(Buffer.from('split '), Buffer.from('message'))
    assert.deepEqual(Buffer.from(await cached.sign(list)), Buffer.from(await key.sign(list.subarray())))
  })

  it('keeps the identity and the encoding of the key', async () => {
    const key = await generateKeyPair('Ed25519')
    const cached = withCachedSigning(key)
    assert.equal(cached.type, 'Ed25519')
    assert.ok(cached instanceof key.constructor)
    assert.ok(cached.equals(key) && key.equals(cached))
    assert.equal(peerIdFromPrivateKey(cached).toString(), peerIdFromPrivateKey(key).toString())
    assert.deepEqual(privateKeyToProtobuf(cached), privateKeyToProtobuf(key))
    assert.ok(privateKeyFromProtobuf(privateKeyToProtobuf(cached)).equals(key))
  })

  it('honours an aborted signal, and leaves other key types alone', async () => {
    const cached = withCachedSigning(await generateKeyPair('Ed25519'))
    assert.throws(() => cached.sign(Buffer.from('x'), { signal: AbortSignal.abort() }), { name: 'AbortError' })
    const secp = await generateKeyPair('secp256k1')
    assert.equal(withCachedSigning(secp), secp)
  })
})
