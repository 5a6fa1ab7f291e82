import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { KDF_DATA_KEY, SEALED_HEADER_BYTES, SEALED_TAG_BYTES } from '../../src/vault/constants.ts'
import { SecretBox, deriveFromPassphrase } from '../../src/vault/secret-box.ts'

describe('vault secret box', () => {
  const box = new SecretBox(randomBytes(32), KDF_DATA_KEY)

  it('round-trips a secret and writes the documented header', () => {
    const sealed = box.seal(Buffer.from('hunter2'), 'secret:db')
    assert.equal(sealed.subarray(0, 4).toString('latin1'), 'PICV')
    assert.equal(sealed[4], 1)
    assert.equal(sealed[5], KDF_DATA_KEY)
    assert.equal(sealed.length, SEALED_HEADER_BYTES + 7 + SEALED_TAG_BYTES)
    assert.equal(box.open(sealed, 'secret:db', 'f')?.toString(), 'hunter2')
  })

  it('uses a fresh salt and nonce for every blob', () => {
    const a = box.seal(Buffer.from('same'), 'l')
    const b = box.seal(Buffer.from('same'), 'l')
    assert.notDeepEqual(a.subarray(6, SEALED_HEADER_BYTES), b.subarray(6, SEALED_HEADER_BYTES))
    assert.notDeepEqual(a.subarray(SEALED_HEADER_BYTES), b.subarray(SEALED_HEADER_BYTES))
  })

  it('refuses a blob sealed for another label, another key, or tampered with', () => {
    const sealed = box.seal(Buffer.from('value'), 'secret:a')
    assert.equal(box.open(sealed, 'secret:b', 'f'), undefined)
    assert.equal(new SecretBox(randomBytes(32), KDF_DATA_KEY).open(sealed, 'secret:a', 'f'), undefined)

    for (const offset of [5, 10, SEALED_HEADER_BYTES, sealed.length - 1]) {
      const tampered = Buffer.from(sealed)
      tampered[offset] ^= 1
      assert.equal(box.open(tampered, 'secret:a', 'f'), undefined, `flipped byte ${offset}`)
    }
  })

  it('reports malformed blobs as corruption, not as a wrong key', () => {
    assert.throws(() => box.open(Buffer.alloc(10), 'l', 'short.sealed'), { code: 'ERR_VAULT_CORRUPT' })
    const sealed = box.seal(Buffer.from('x'), 'l')
    const badMagic = Buffer.from(sealed)
    badMagic[0] = 0
    assert.throws(() => box.open(badMagic, 'l', 'f'), { code: 'ERR_VAULT_CORRUPT', message: /bad magic/ })
    const badVersion = Buffer.from(sealed)
    badVersion[4] = 9
    assert.throws(() => box.open(badVersion, 'l', 'f'), { code: 'ERR_VAULT_CORRUPT', message: /version 9/ })
    assert.throws(() => box.openOrThrow(sealed, 'other', 'f.sealed'), { code: 'ERR_VAULT_CORRUPT', message: /f\.sealed/ })
  })

  it('derives the same key from the same passphrase and salt only', async () => {
    const salt = randomBytes(16)
    const params = { N: 2 ** 14, r: 8, p: 1 }
    const a = await deriveFromPassphrase('correct horse', salt, params)
    assert.deepEqual(await deriveFromPassphrase('correct horse', salt, params), a)
    assert.notDeepEqual(await deriveFromPassphrase('correct hors', salt, params), a)
    assert.notDeepEqual(await deriveFromPassphrase('correct horse', randomBytes(16), params), a)
  })
})
