/** What every command module gets: the data dir and a connected client. */
import { connect } from './client.ts'
import { resolveDataDir } from './data-dir.ts'
import type { ApiClient } from './client.ts'
import type { Command } from 'commander'

export interface CliContext {
  dataDir(): string
  client(): Promise<ApiClient>
}

export function createContext (program: Command): CliContext {
  const dataDir = (): string => resolveDataDir(program.opts<{ dataDir?: string }>().dataDir)
  return {
    dataDir,
    client: async () => connect(dataDir())
  }
}

export type CommandModule = (program: Command, cli: CliContext) => void

/** Collector for repeatable options (`--listen A --listen B`). */
export function collect (value: string, previous: string[] = []): string[] {
  return [...previous, value]
}
