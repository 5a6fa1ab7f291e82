/**
 * Crash-safe file writes. A vault file is either the old version or the new
 * one, never half of each: write a temp file beside the target, fsync it,
 * rename it over the target (atomic within one file system, POSIX
 * rename(2)), then fsync the folder so the rename itself survives a power
 * cut.
 */
import { randomBytes } from 'node:crypto'
import { open, readFile, rename, stat, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { MAX_FILE_BYTES } from './constants.ts'
import { VaultCorruptError } from './errors.ts'

/** Mode for files holding secret material (even when sealed). */
export const SECRET_MODE = 0o600

/** Mode for public files (certificates, CRL). */
export const PUBLIC_MODE = 0o644

async function syncDirectory (dir: string): Promise<void> {
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/** Replace `path` with `data` atomically, created with `mode`. */
export async function writeFileAtomic (path: string, data: Uint8Array | string, mode: number): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  const handle = await open(temp, 'wx', mode)
  try {
    try {
      await handle.writeFile(data)
      // The process umask applies to open(2); chmod makes the mode exact.
      await handle.chmod(mode)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(temp, path)
  } catch (err) {
    await unlink(temp).catch(() => {})
    throw err
  }
  await syncDirectory(dirname(path))
}

/** Remove `path` durably; a missing file is not an error. */
export async function removeFile (path: string): Promise<void> {
  try {
    await unlink(path)
  } catch (err) {
    if (isNotFound(err)) return
    throw err
  }
  await syncDirectory(dirname(path))
}

/** Read a vault file, refusing anything larger than the vault ever writes. */
export async function readBounded (path: string): Promise<Buffer> {
  const info = await stat(path)
  if (info.size > MAX_FILE_BYTES) {
    throw new VaultCorruptError(basename(path), `larger than ${MAX_FILE_BYTES} bytes`)
  }
  return await readFile(path)
}

/** Read a file or return undefined when it does not exist. */
export async function readIfExists (path: string): Promise<Buffer | undefined> {
  try {
    return await readBounded(path)
  } catch (err) {
    if (isNotFound(err)) return undefined
    throw err
  }
}

/** Whether `err` is ENOENT. */
export function isNotFound (err: unknown): boolean {
  return err instanceof Error && (err as NodeJS.ErrnoException).code === 'ENOENT'
}
