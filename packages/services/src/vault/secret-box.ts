/**
 * Authenticated encryption of everything secret the vault stores.
 *
 * A sealed blob is AES-256-GCM under a per-blob subkey:
 *
 *   offset  size  field
 *        0     4  magic "PICV"
 *        4     1  format version (1)
 *        5     1  kdf id: 1 scrypt passphrase key, 2 key-file key, 3 data key
 *        6    16  salt  (HKDF-SHA256 salt for this blob's subkey)
 *       22    12  nonce (GCM IV)
 *       34     n  ciphertext
 *     34+n    16  GCM tag
 *
 * The subkey is HKDF-SHA256(key, salt, "pic-vault v1 aes-256-gcm"), so no
 * two blobs share an AES key and random nonces can never collide under one
 * key. The additional authenticated data is the 34-byte header followed by
 * the blob's label (for example `secret:db-password`), which binds a blob to
 * its purpose: a file copied over another one fails authentication instead
 * of yielding the wrong secret.
 *
 * AES-GCM from node:crypto rather than age: the vault needs a cheap check of
 * the passphrase before any write, labels bound into the tag, and a header it
 * fully controls; age is still used for the cell's public recipient.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, scrypt } from 'node:crypto'
import {
  KEY_BYTES, SCRYPT_MAX_MEMORY, SEALED_HEADER_BYTES, SEALED_MAGIC, SEALED_NONCE_BYTES,
  SEALED_SALT_BYTES, SEALED_TAG_BYTES, SEALED_VERSION, SUBKEY_INFO
} from './constants.ts'
import { VaultCorruptError } from './errors.ts'

/** scrypt cost parameters as stored in vault.json. */
export interface ScryptParams {
  N: number
  r: number
  p: number
}

/** Derive a key-encryption key from a passphrase; runs on the libuv pool, not the event loop. */
export async function deriveFromPassphrase (passphrase: string, salt: Uint8Array, params: ScryptParams): Promise<Buffer> {
  return await new Promise((resolve, reject) => {
    scrypt(passphrase.normalize('NFC'), salt, KEY_BYTES, { ...params, maxmem: SCRYPT_MAX_MEMORY }, (err, key) => {
      if (err != null) reject(err)
      else resolve(key)
    })
  })
}

function subkey (key: Uint8Array, salt: Uint8Array): Buffer {
  return Buffer.from(hkdfSync('sha256', key, salt, SUBKEY_INFO, KEY_BYTES))
}

function aad (header: Uint8Array, label: string): Buffer {
  return Buffer.concat([header, Buffer.from(label, 'utf8')])
}

/** Encrypts and authenticates blobs under one key; see the file comment for the format. */
export class SecretBox {
  readonly #key: Buffer
  readonly #kdfId: number

  /** `key` is copied; `kdfId` records in each header how that key was obtained. */
  constructor (key: Uint8Array, kdfId: number) {
    if (key.length !== KEY_BYTES) {
      throw new RangeError(`SecretBox key must be ${KEY_BYTES} bytes`)
    }
    this.#key = Buffer.from(key)
    this.#kdfId = kdfId
  }

  /** Seal `plaintext` for the purpose named by `label`. */
  seal (plaintext: Uint8Array, label: string): Buffer {
    const header = Buffer.alloc(SEALED_HEADER_BYTES)
    header.set(SEALED_MAGIC, 0)
    header[4] = SEALED_VERSION
    header[5] = this.#kdfId
    randomBytes(SEALED_SALT_BYTES).copy(header, 6)
    randomBytes(SEALED_NONCE_BYTES).copy(header, 6 + SEALED_SALT_BYTES)

    const salt = header.subarray(6, 6 + SEALED_SALT_BYTES)
    const nonce = header.subarray(6 + SEALED_SALT_BYTES)
    const cipher = createCipheriv('aes-256-gcm', subkey(this.#key, salt), nonce, { authTagLength: SEALED_TAG_BYTES })
    cipher.setAAD(aad(header, label))
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()])
    return Buffer.concat([header, body, cipher.getAuthTag()])
  }

  /**
   * Open a blob sealed for `label`. Returns undefined when authentication
   * fails (wrong key, wrong label or tampering) so callers can tell a wrong
   * passphrase from damage; throws VaultCorruptError when the blob is not
   * in this format at all.
   */
  open (blob: Uint8Array, label: string, file: string): Buffer | undefined {
    const header = checkHeader(blob, file)
    if (header[5] !== this.#kdfId) {
      return undefined
    }

    const salt = header.subarray(6, 6 + SEALED_SALT_BYTES)
    const nonce = header.subarray(6 + SEALED_SALT_BYTES)
    const body = blob.subarray(SEALED_HEADER_BYTES, blob.length - SEALED_TAG_BYTES)
    const tag = blob.subarray(blob.length - SEALED_TAG_BYTES)
    const decipher = createDecipheriv('aes-256-gcm', subkey(this.#key, salt), nonce, { authTagLength: SEALED_TAG_BYTES })
    decipher.setAAD(aad(header, label))
    decipher.setAuthTag(tag)
    try {
      return Buffer.concat([decipher.update(body), decipher.final()])
    } catch {
      return undefined
    }
  }

  /** Like `open`, but a failed authentication is reported as corruption of `file`. */
  openOrThrow (blob: Uint8Array, label: string, file: string): Buffer {
    const plaintext = this.open(blob, label, file)
    if (plaintext == null) {
      throw new VaultCorruptError(file, 'authentication failed (tampered, truncated or moved from another file)')
    }
    return plaintext
  }

  /** Overwrite the key in memory; the box is unusable afterwards. */
  destroy (): void {
    this.#key.fill(0)
  }
}

function checkHeader (blob: Uint8Array, file: string): Uint8Array {
  if (blob.length < SEALED_HEADER_BYTES + SEALED_TAG_BYTES) {
    throw new VaultCorruptError(file, 'too short to be a sealed blob')
  }
  for (let i = 0; i < SEALED_MAGIC.length; i++) {
    if (blob[i] !== SEALED_MAGIC[i]) {
      throw new VaultCorruptError(file, 'not a sealed vault blob (bad magic)')
    }
  }
  if (blob[4] !== SEALED_VERSION) {
    throw new VaultCorruptError(file, `unsupported sealed format version ${blob[4]}`)
  }
  return blob.subarray(0, SEALED_HEADER_BYTES)
}
