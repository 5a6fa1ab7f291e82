/**
 * Where the CLI finds the agent: the data directory (`--data-dir`, else
 * `$CELL_HOME`, else `~/.cell`), whose `api.json` names the API URL and
 * whose `api-token` holds the bearer token.
 */
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'

export function resolveDataDir (explicit?: string): string {
  if (explicit != null && explicit !== '') return resolve(explicit)
  if (process.env.CELL_HOME != null && process.env.CELL_HOME !== '') return resolve(process.env.CELL_HOME)
  return join(homedir(), '.cell')
}
