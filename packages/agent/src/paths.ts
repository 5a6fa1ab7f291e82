/**
 * Where things live inside a cell's data directory. Everything a cell owns
 * is under one directory so that backing up or moving a cell is copying it.
 */
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { DEFAULT_DATA_DIR_NAME } from './constants.ts'

export interface DataPaths {
  root: string
  /** The data layout version (see storage/data-format.ts) */
  format: string
  identityKey: string
  wireguardKey: string
  apiToken: string
  config: string
  backups: string
  database: string
  logs: string
  /** Written when the API is listening: `{ url, pid }`, read by the CLI */
  apiEndpoint: string
  vault: string
}

/** `--data-dir`, else `$CELL_HOME`, else `~/.cell`. */
export function resolveDataDir (explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit != null && explicit !== '') {
    return resolve(explicit)
  }
  if (env.CELL_HOME != null && env.CELL_HOME !== '') {
    return resolve(env.CELL_HOME)
  }
  return join(homedir(), DEFAULT_DATA_DIR_NAME)
}

export function dataPaths (root: string): DataPaths {
  return {
    root,
    format: join(root, 'format.json'),
    identityKey: join(root, 'identity.key'),
    wireguardKey: join(root, 'wireguard.key'),
    apiToken: join(root, 'api-token'),
    config: join(root, 'config.json'),
    backups: join(root, 'backups'),
    database: join(root, 'db'),
    logs: join(root, 'logs'),
    apiEndpoint: join(root, 'api.json'),
    vault: join(root, 'vault')
  }
}
