/**
 * Named secrets (tokens, passwords, keys of services) sealed one per file
 * under `secrets/<name>.sealed`, mode 0600. The label bound into each blob is
 * `secret:<name>`, so renaming a file on disk makes it unreadable rather
 * than returning one secret under another's name.
 */
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { SECRET_MODE, readIfExists, removeFile, writeFileAtomic } from './atomic-file.ts'
import { MAX_SECRET_BYTES } from './constants.ts'
import { VaultSecretNotFoundError, VaultSecretTooLargeError } from './errors.ts'
import { checkSecretName } from './names.ts'
import type { SecretBox } from './secret-box.ts'

const SUFFIX = '.sealed'

/** Reads and writes sealed named secrets in one folder. */
export class SecretStore {
  readonly #dir: string
  readonly #box: SecretBox
  readonly #prefix: string

  /** `prefix` namespaces the labels, so blobs of two stores can never be swapped. */
  constructor (dir: string, box: SecretBox, prefix = 'secret') {
    this.#dir = dir
    this.#box = box
    this.#prefix = prefix
  }

  #path (name: string): string {
    return join(this.#dir, `${name}${SUFFIX}`)
  }

  /** Store `value` under `name`, replacing any previous value atomically. */
  async put (name: string, value: Uint8Array): Promise<void> {
    checkSecretName(name)
    if (!(value instanceof Uint8Array)) {
      throw new TypeError('secret value must be a Uint8Array')
    }
    if (value.length > MAX_SECRET_BYTES) {
      throw new VaultSecretTooLargeError(value.length, MAX_SECRET_BYTES)
    }
    const sealed = this.#box.seal(value, `${this.#prefix}:${name}`)
    await writeFileAtomic(this.#path(name), sealed, SECRET_MODE)
  }

  /** The value stored under `name`; throws VaultSecretNotFoundError when absent. */
  async get (name: string): Promise<Buffer> {
    const value = await this.tryGet(name)
    if (value == null) {
      throw new VaultSecretNotFoundError(name)
    }
    return value
  }

  /** The value stored under `name`, or undefined. Tampered files throw VaultCorruptError. */
  async tryGet (name: string): Promise<Buffer | undefined> {
    checkSecretName(name)
    const sealed = await readIfExists(this.#path(name))
    if (sealed == null) {
      return undefined
    }
    return this.#box.openOrThrow(sealed, `${this.#prefix}:${name}`, `${name}${SUFFIX}`)
  }

  /** Whether a secret named `name` exists. */
  async has (name: string): Promise<boolean> {
    checkSecretName(name)
    return (await readIfExists(this.#path(name))) != null
  }

  /** Names of stored secrets, sorted. Stray files (temp files, foreign names) are skipped. */
  async list (): Promise<string[]> {
    const entries = await readdir(this.#dir, { withFileTypes: true })
    const names: string[] = []
    for (const entry of entries) {
      if (!entry.isFile() || !entry.name.endsWith(SUFFIX)) continue
      const name = entry.name.slice(0, -SUFFIX.length)
      try {
        names.push(checkSecretName(name))
      } catch {
        // Not a name we could have written; ignore rather than fail the listing.
      }
    }
    return names.sort()
  }

  /** Delete `name`; returns whether it existed. */
  async delete (name: string): Promise<boolean> {
    checkSecretName(name)
    const existed = await this.has(name)
    await removeFile(this.#path(name))
    return existed
  }
}
