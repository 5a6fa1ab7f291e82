/**
 * Writing a certificate and its private key to files. The key file is
 * created with mode 0600 from the start (never widened and narrowed), and
 * existing files are only replaced with `--force`, by renaming a fresh file
 * over them so a replaced key file also ends up 0600.
 */
import { randomBytes } from 'node:crypto'
import { access, rename, rm, writeFile } from 'node:fs/promises'
import { CliError } from './errors.ts'

export interface KeyPairPaths {
  cert: string
  key: string
}

async function exists (path: string): Promise<boolean> {
  try {
    await access(path)
    return true
  } catch {
    return false
  }
}

/** Refuse early when a target exists and `force` is off. */
export async function checkWritable (paths: KeyPairPaths, force: boolean): Promise<void> {
  if (force) return
  for (const path of [paths.cert, paths.key]) {
    if (await exists(path)) {
      throw new CliError(`${path} already exists; use --force to overwrite it`, 'ERR_OUTPUT_EXISTS')
    }
  }
}

async function writeOne (path: string, content: string, mode: number, force: boolean): Promise<void> {
  if (!force) {
    // O_EXCL: a file that appeared since the check is not overwritten.
    await writeFile(path, content, { mode, flag: 'wx' })
    return
  }
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`
  try {
    await writeFile(temp, content, { mode, flag: 'wx' })
    await rename(temp, path)
  } catch (err) {
    await rm(temp, { force: true })
    throw err
  }
}

/** Write the key (0600) first, then the certificate (0644). */
export async function writeKeyPair (paths: KeyPairPaths, pems: { certPem: string, keyPem: string }, force: boolean): Promise<void> {
  try {
    await writeOne(paths.key, pems.keyPem, 0o600, force)
    await writeOne(paths.cert, pems.certPem, 0o644, force)
  } catch (err) {
    throw new CliError(`Cannot write ${(err as NodeJS.ErrnoException).path ?? paths.key}: ${(err as Error).message}`, 'ERR_OUTPUT_WRITE')
  }
}
