/**
 * The cell's configuration on disk: load, validate, update, and keep
 * backups. Every write is atomic (temp file + rename) and is validated
 * first, so a bad update is refused without touching the file.
 *
 * Command-line overrides (`--api`, `--listen`, `--bootstrap`) apply to one
 * run only: they shape `effective` but are never written back.
 */
import { randomBytes } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { mkdir, readdir, readFile, stat, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { CONFIG_BACKUPS_KEPT } from '../constants.ts'
import { BackupNotFoundError, ConfigInvalidError, DataDirError } from '../errors.ts'
import { writeFileAtomic } from '../util/atomic-file.ts'
import { deepMerge, isPlainObject } from './merge.ts'
import { configSchema, describeIssues } from './schema.ts'
import type { JsonObject } from './merge.ts'
import type { CellConfig } from './schema.ts'

export interface ConfigBackup {
  id: string
  createdAt: string
  reason: string
  bytes: number
}

export interface ConfigStoreEvents {
  change: [{ previous: CellConfig, current: CellConfig }]
}

const BACKUP_ID = /^[0-9]{8}T[0-9]{9}Z-[0-9a-f]{6}$/

export class ConfigStore extends EventEmitter<ConfigStoreEvents> {
  private readonly file: string
  private readonly backupDir: string
  private persisted!: CellConfig
  private overrides: JsonObject = {}
  private effectiveConfig!: CellConfig

  constructor (file: string, backupDir: string) {
    super()
    this.file = file
    this.backupDir = backupDir
  }

  /** Read the file, or create it with defaults on first start. */
  async load (): Promise<CellConfig> {
    await mkdir(this.backupDir, { recursive: true })
    let raw: unknown = {}
    let existed = true

    try {
      raw = JSON.parse(await readFile(this.file, 'utf8'))
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        existed = false
      } else {
        throw new DataDirError(`Config file ${this.file} is not valid JSON; fix it or restore a backup`, { cause: err })
      }
    }

    this.persisted = this.validate(raw, `config file ${this.file}`)
    if (!existed) {
      // Write the defaults out so derived values (the cell name) are fixed
      // from the first start on, and the user has a file to read.
      await this.write(this.persisted)
    }
    this.effectiveConfig = this.applyOverrides(this.persisted)
    return this.effectiveConfig
  }

  /** Apply run-only overrides on top of the stored config. */
  setOverrides (overrides: JsonObject): void {
    this.overrides = overrides
    this.effectiveConfig = this.applyOverrides(this.persisted)
  }

  /** The config in force for this run (stored config plus overrides). */
  get effective (): CellConfig {
    return this.effectiveConfig
  }

  /** The config as stored on disk. */
  get stored (): CellConfig {
    return this.persisted
  }

  /** Validate a value as a whole config; throws ConfigInvalidError. */
  validate (value: unknown, source = 'config'): CellConfig {
    if (!isPlainObject(value)) {
      throw new ConfigInvalidError([{ path: '', message: 'must be a JSON object' }], source)
    }
    const result = configSchema.safeParse(value)
    if (!result.success) {
      throw new ConfigInvalidError(describeIssues(result.error), source)
    }
    return result.data
  }

  /** Merge a partial config into the stored one, validate, write. */
  async update (patch: unknown): Promise<CellConfig> {
    if (!isPlainObject(patch)) {
      throw new ConfigInvalidError([{ path: '', message: 'must be a JSON object' }])
    }
    const next = this.validate(deepMerge(this.persisted as unknown as JsonObject, patch))
    await this.replace(next)
    return next
  }

  /** Replace the whole stored config (import, restore). */
  async replace (next: CellConfig): Promise<void> {
    const previous = this.effectiveConfig
    await this.write(next)
    this.persisted = next
    this.effectiveConfig = this.applyOverrides(next)
    this.emit('change', { previous, current: this.effectiveConfig })
  }

  async import (value: unknown): Promise<CellConfig> {
    const next = this.validate(value, 'imported config')
    await this.backup('before import')
    await this.replace(next)
    return next
  }

  export (): CellConfig {
    return structuredClone(this.persisted)
  }

  async backup (reason = 'manual'): Promise<ConfigBackup> {
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('.', '')
    const id = `${stamp}-${randomBytes(3).toString('hex')}`
    const body = JSON.stringify({ reason, createdAt: new Date().toISOString(), config: this.persisted }, null, 2)
    await writeFileAtomic(join(this.backupDir, `${id}.json`), body)
    await this.prune()
    return { id, createdAt: new Date().toISOString(), reason, bytes: Buffer.byteLength(body) }
  }

  async listBackups (): Promise<ConfigBackup[]> {
    const names = (await readdir(this.backupDir)).filter(name => BACKUP_ID.test(name.replace(/\.json$/, '')))
    const backups: ConfigBackup[] = []
    for (const name of names.sort()) {
      const path = join(this.backupDir, name)
      try {
        const parsed = JSON.parse(await readFile(path, 'utf8')) as { reason?: string, createdAt?: string }
        backups.push({
          id: name.replace(/\.json$/, ''),
          createdAt: parsed.createdAt ?? '',
          reason: parsed.reason ?? '',
          bytes: (await stat(path)).size
        })
      } catch {
        // A damaged backup is skipped from the list rather than failing it.
      }
    }
    return backups
  }

  async restore (id: string): Promise<CellConfig> {
    if (!BACKUP_ID.test(id)) {
      throw new BackupNotFoundError(id)
    }
    let parsed: { config?: unknown }
    try {
      parsed = JSON.parse(await readFile(join(this.backupDir, `${id}.json`), 'utf8'))
    } catch {
      throw new BackupNotFoundError(id)
    }
    const next = this.validate(parsed.config, `backup ${id}`)
    await this.backup(`before restore of ${id}`)
    await this.replace(next)
    return next
  }

  private applyOverrides (config: CellConfig): CellConfig {
    return this.validate(deepMerge(config as unknown as JsonObject, this.overrides), 'command-line overrides')
  }

  private async write (config: CellConfig): Promise<void> {
    await writeFileAtomic(this.file, `${JSON.stringify(config, null, 2)}\n`)
  }

  private async prune (): Promise<void> {
    const names = (await readdir(this.backupDir)).filter(name => name.endsWith('.json')).sort()
    for (const name of names.slice(0, Math.max(0, names.length - CONFIG_BACKUPS_KEPT))) {
      await unlink(join(this.backupDir, name)).catch(() => {})
    }
  }
}
