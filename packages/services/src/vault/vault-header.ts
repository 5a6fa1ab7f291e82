/**
 * The vault header (vault.json): how to obtain the key-encryption key (KEK)
 * and the random data key wrapped under it.
 *
 * Two-level keys keep unlocking cheap to check and the passphrase cheap to
 * change: the KEK comes from scrypt(passphrase) or from a random 32-byte key
 * file (mode 0600); the data key, which seals every other blob, is random and
 * stored sealed under the KEK. Unwrapping it is the passphrase check: the GCM
 * tag fails for a wrong passphrase, and nothing is written before it passed.
 */
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { z } from 'zod'
import { SECRET_MODE, readBounded, readIfExists, removeFile, writeFileAtomic } from './atomic-file.ts'
import {
  FILES, KDF_DATA_KEY, KDF_KEY_FILE, KDF_SCRYPT, KEY_BYTES, SCRYPT_MAX_N, SCRYPT_MAX_P, SCRYPT_MAX_R,
  SCRYPT_MIN_N, SCRYPT_N, SCRYPT_P, SCRYPT_R, SEALED_SALT_BYTES
} from './constants.ts'
import { VaultCorruptError, VaultPassphraseError } from './errors.ts'
import { SecretBox, deriveFromPassphrase } from './secret-box.ts'

const DATA_KEY_LABEL = 'data-key'

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/)

const headerSchema = z.object({
  format: z.literal('pic-vault'),
  version: z.literal(1),
  createdAt: z.string(),
  kdf: z.discriminatedUnion('id', [
    z.object({
      id: z.literal('scrypt'),
      N: z.number().int().min(SCRYPT_MIN_N).max(SCRYPT_MAX_N).refine(n => (n & (n - 1)) === 0, 'N must be a power of two'),
      r: z.number().int().min(1).max(SCRYPT_MAX_R),
      p: z.number().int().min(1).max(SCRYPT_MAX_P),
      salt: base64
    }),
    z.object({ id: z.literal('key-file') })
  ]),
  dataKey: base64
})

type VaultHeader = z.infer<typeof headerSchema>

/** Whether `dir` already holds a vault header. */
export async function headerExists (dir: string): Promise<boolean> {
  return (await readIfExists(join(dir, FILES.header))) != null
}

async function readHeader (dir: string): Promise<VaultHeader> {
  const raw = await readBounded(join(dir, FILES.header))
  let parsed: unknown
  try {
    parsed = JSON.parse(raw.toString('utf8'))
  } catch {
    throw new VaultCorruptError(FILES.header, 'not valid JSON')
  }
  const result = headerSchema.safeParse(parsed)
  if (!result.success) {
    throw new VaultCorruptError(FILES.header, result.error.issues[0]?.message ?? 'invalid header')
  }
  return result.data
}

async function readKeyFile (dir: string): Promise<Buffer> {
  const key = await readIfExists(join(dir, FILES.keyFile))
  if (key == null) {
    throw new VaultCorruptError(FILES.keyFile, 'missing; the vault was created without a passphrase and needs its key file')
  }
  if (key.length !== KEY_BYTES) {
    throw new VaultCorruptError(FILES.keyFile, `expected ${KEY_BYTES} bytes, found ${key.length}`)
  }
  return key
}

/** Build the box that wraps the data key, from the passphrase or the key file. */
async function kekBox (dir: string, header: VaultHeader, passphrase: string | undefined): Promise<SecretBox> {
  if (header.kdf.id === 'scrypt') {
    if (passphrase == null) {
      throw new VaultPassphraseError('This vault is protected by a passphrase and none was given; nothing was changed')
    }
    const salt = Buffer.from(header.kdf.salt, 'base64')
    const { N, r, p } = header.kdf
    return new SecretBox(await deriveFromPassphrase(passphrase, salt, { N, r, p }), KDF_SCRYPT)
  }
  if (passphrase != null) {
    throw new VaultPassphraseError('This vault uses a key file, not a passphrase; nothing was changed')
  }
  return new SecretBox(await readKeyFile(dir), KDF_KEY_FILE)
}

/** Unlock an existing vault: returns a box over its data key. Writes nothing. */
export async function unlockVault (dir: string, passphrase: string | undefined): Promise<SecretBox> {
  const header = await readHeader(dir)
  const kek = await kekBox(dir, header, passphrase)
  try {
    const dataKey = kek.open(Buffer.from(header.dataKey, 'base64'), DATA_KEY_LABEL, FILES.header)
    if (dataKey == null) {
      throw header.kdf.id === 'scrypt'
        ? new VaultPassphraseError()
        : new VaultCorruptError(FILES.keyFile, 'does not unlock this vault')
    }
    const box = new SecretBox(dataKey, KDF_DATA_KEY)
    dataKey.fill(0)
    return box
  } finally {
    kek.destroy()
  }
}

/**
 * Write a header that wraps `dataKey` under a KEK from `passphrase` (or a
 * new key file when it is undefined). The key file is written before the
 * header that needs it and removed only after a header that does not.
 */
export async function writeVaultHeader (
  dir: string, dataKey: Uint8Array, passphrase: string | undefined, createdAt = new Date().toISOString()
): Promise<void> {
  let kek: SecretBox
  let kdf: VaultHeader['kdf']
  if (passphrase != null) {
    const salt = randomBytes(SEALED_SALT_BYTES)
    kdf = { id: 'scrypt', N: SCRYPT_N, r: SCRYPT_R, p: SCRYPT_P, salt: salt.toString('base64') }
    kek = new SecretBox(await deriveFromPassphrase(passphrase, salt, { N: SCRYPT_N, r: SCRYPT_R, p: SCRYPT_P }), KDF_SCRYPT)
  } else {
    const keyFile = randomBytes(KEY_BYTES)
    await writeFileAtomic(join(dir, FILES.keyFile), keyFile, SECRET_MODE)
    kdf = { id: 'key-file' }
    kek = new SecretBox(keyFile, KDF_KEY_FILE)
    keyFile.fill(0)
  }

  try {
    const header: VaultHeader = {
      format: 'pic-vault',
      version: 1,
      createdAt,
      kdf,
      dataKey: kek.seal(dataKey, DATA_KEY_LABEL).toString('base64')
    }
    await writeFileAtomic(join(dir, FILES.header), JSON.stringify(header, null, 2) + '\n', SECRET_MODE)
  } finally {
    kek.destroy()
  }

  if (passphrase != null) {
    await removeFile(join(dir, FILES.keyFile))
  }
}

/**
 * Re-wrap the data key: check `current` first (it must unlock the vault),
 * then write the header for `next`. Secrets are not re-encrypted.
 */
export async function rewrapVault (dir: string, current: string | undefined, next: string | undefined): Promise<void> {
  const header = await readHeader(dir)
  const kek = await kekBox(dir, header, current)
  const dataKey = kek.open(Buffer.from(header.dataKey, 'base64'), DATA_KEY_LABEL, FILES.header)
  kek.destroy()
  if (dataKey == null) {
    throw new VaultPassphraseError()
  }
  try {
    await writeVaultHeader(dir, dataKey, next, header.createdAt)
  } finally {
    dataKey.fill(0)
  }
}
