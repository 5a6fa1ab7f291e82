/**
 * The WireGuard private key as a file the backend hands to `wg` (never on
 * a command line). The file name carries a digest of the public key, so a
 * rotated key is a new path: the reconciler sees the interface's key path
 * change and sets the new key, which it would not do for the same path.
 */
import { createHash } from 'node:crypto'
import { mkdir, readdir, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '../util/atomic-file.ts'
import type { WireGuardKeyPair } from '../identity/identity.ts'

const KEY_FILE = /^wg-[0-9a-f]{16}\.key$/

export function keyFileName (publicKey: string): string {
  return `wg-${createHash('sha256').update(publicKey).digest('hex').slice(0, 16)}.key`
}

/** Write the private key (mode 0600, in a 0700 directory); returns the path. */
export async function writeKeyFile (dir: string, keys: WireGuardKeyPair): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const path = join(dir, keyFileName(keys.publicKey))
  await writeFileAtomic(path, `${keys.privateKey}\n`, { mode: 0o600 })
  return path
}

/** Remove key files other than the current one (after a rotation was applied). */
export async function removeOtherKeyFiles (dir: string, current: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[])
  for (const name of names) {
    if (KEY_FILE.test(name) && join(dir, name) !== current) await unlink(join(dir, name)).catch(() => {})
  }
}
