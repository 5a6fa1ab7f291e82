/**
 * The `cell` command. It talks to the running agent over its HTTP API only,
 * and starts the agent as a child process for `cell start` and `cell init`.
 */
import { Command, CommanderError } from 'commander'
import { configCommands } from './commands/config.ts'
import { dnsCommands } from './commands/dns.ts'
import { inviteCommands } from './commands/invite.ts'
import { trustCommands } from './commands/trust.ts'
import { lifecycleCommands } from './commands/lifecycle.ts'
import { meshCommands } from './commands/mesh.ts'
import { peerCommands } from './commands/peers.ts'
import { retireCommands } from './commands/retire.ts'
import { serviceCommands } from './commands/services.ts'
import { statusCommands } from './commands/status.ts'
import { vaultCommands } from './commands/vault.ts'
import { createContext } from './context.ts'
import { CliError } from './errors.ts'
import type { CommandModule } from './context.ts'

const modules: CommandModule[] = [
  lifecycleCommands, statusCommands, peerCommands, serviceCommands, configCommands, trustCommands, inviteCommands,
  vaultCommands, dnsCommands, meshCommands, retireCommands
]

export function buildProgram (): Command {
  const program = new Command('cell')
    .description('Personal Internet Cell: your own node in a web of trust')
    .option('--data-dir <dir>', 'cell data directory (default $CELL_HOME or ~/.cell)')
    .showHelpAfterError()
    .exitOverride()
  const cli = createContext(program)
  for (const register of modules) {
    register(program, cli)
  }
  return program
}

export async function run (argv: string[]): Promise<number> {
  const program = buildProgram()
  try {
    await program.parseAsync(argv)
    return typeof process.exitCode === 'number' ? process.exitCode : 0
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode
    }
    if (err instanceof CliError) {
      process.stderr.write(`cell: ${err.message}\n`)
      return err.exitCode
    }
    process.stderr.write(`cell: unexpected error: ${(err as Error).stack ?? String(err)}\n`)
    return 1
  }
}
