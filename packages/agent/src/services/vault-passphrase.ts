/**
 * Where the vault's passphrase comes from. The environment wins, so that a
 * service manager (systemd `LoadCredential`, a container secret) can hand
 * it over without touching the config; a file named in the config comes
 * next; with neither the vault protects itself with a random key file.
 */
import { readFile, stat } from 'node:fs/promises'
import { VaultPassphraseFileError } from '../errors.ts'

/** Environment variable holding the vault passphrase. */
export const PASSPHRASE_ENV = 'CELL_VAULT_PASSPHRASE'

/** A passphrase file larger than this is surely not a passphrase. */
const MAX_PASSPHRASE_FILE_BYTES = 4096

export type PassphraseSource = 'env' | 'file' | 'none'

export interface ResolvedPassphrase {
  passphrase?: string
  source: PassphraseSource
}

/** The passphrase and where it came from; never logged. */
export async function resolvePassphrase (file: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<ResolvedPassphrase> {
  const fromEnv = env[PASSPHRASE_ENV]
  if (fromEnv != null && fromEnv !== '') {
    return { passphrase: fromEnv, source: 'env' }
  }
  if (file == null) {
    return { source: 'none' }
  }

  let text: string
  try {
    const info = await stat(file)
    if (!info.isFile()) throw new VaultPassphraseFileError(file, 'not a regular file')
    if (info.size > MAX_PASSPHRASE_FILE_BYTES) throw new VaultPassphraseFileError(file, `larger than ${MAX_PASSPHRASE_FILE_BYTES} bytes`)
    text = await readFile(file, 'utf8')
  } catch (err) {
    if (err instanceof VaultPassphraseFileError) throw err
    throw new VaultPassphraseFileError(file, (err as NodeJS.ErrnoException).code ?? (err as Error).message, { cause: err })
  }

  // Editors and `echo` add one line break; the passphrase is what precedes it.
  const passphrase = text.replace(/\r?\n$/, '')
  if (passphrase === '') {
    throw new VaultPassphraseFileError(file, 'the file is empty')
  }
  return { passphrase, source: 'file' }
}
