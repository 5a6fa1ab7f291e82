/**
 * Crash-safe file writes: write a temp file next to the target, fsync it,
 * rename it over the target, then fsync the directory. A reader (or a cell
 * restarted after `kill -9` or power loss) sees the old or the new content,
 * never a torn one.
 */
import { randomBytes } from 'node:crypto'
import { open, rename, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

export interface AtomicWriteOptions {
  /** File mode for the new file; secrets use 0o600 */
  mode?: number
}

export async function writeFileAtomic (path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const dir = dirname(path)
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  const handle = await open(temp, 'wx', options.mode ?? 0o644)

  try {
    await handle.writeFile(data)
    await handle.sync()
  } catch (err) {
    await handle.close()
    await unlink(temp).catch(() => {})
    throw err
  }
  await handle.close()

  try {
    await rename(temp, path)
  } catch (err) {
    await unlink(temp).catch(() => {})
    throw err
  }

  await syncDirectory(dir)
}

async function syncDirectory (dir: string): Promise<void> {
  // Without this the rename itself may be lost on power failure (POSIX
  // leaves directory entry durability to an fsync of the directory).
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}
