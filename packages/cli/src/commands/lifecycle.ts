/**
 * `cell init` and `cell start`. Both run the agent as a child process
 * (the CLI never loads agent code): `start` stays in the foreground and
 * passes Ctrl-C / SIGTERM through; `init` creates the data dir and exits.
 * bin/cell.mjs runs `start` without loading this file at all, to keep a
 * cell's start-up short; the definition here gives `cell --help` its text.
 */
import { runAgent } from '../../bin/run-agent.mjs'
import { collect } from '../context.ts'
import type { CommandModule } from '../context.ts'

export const lifecycleCommands: CommandModule = (program, cli) => {
  program.command('init')
    .description('create the cell identity, keys, API token and config, without starting')
    .option('--name <name>', 'cell name (a DNS label); default from the host name')
    .option('--json', 'machine-readable output')
    .action(async (options: { name?: string, json?: boolean }) => {
      const args = ['--data-dir', cli.dataDir(), '--init']
      if (options.name != null) args.push('--name', options.name)
      if (options.json === true) args.push('--json')
      process.exitCode = await runAgent(args)
    })

  program.command('start')
    .description('run the cell agent in the foreground (Ctrl-C stops it)')
    .option('--api <host:port>', 'API address for this run (default 127.0.0.1:3000)')
    .option('--listen <multiaddr>', 'libp2p listen address (repeatable)', collect)
    .option('--bootstrap <multiaddr>', 'bootstrap peer (repeatable)', collect)
    .option('--dns <host:port>', 'DNS server address for this run (default 127.0.0.1:5353)')
    .option('--no-mdns', 'do not discover cells on the LAN with mDNS')
    .option('--quiet', 'do not mirror logs to stdout')
    .action(async (options: { api?: string, listen?: string[], bootstrap?: string[], dns?: string, mdns: boolean, quiet?: boolean }) => {
      const args = ['--data-dir', cli.dataDir()]
      if (options.api != null) args.push('--api', options.api)
      if (options.dns != null) args.push('--dns', options.dns)
      for (const address of options.listen ?? []) args.push('--listen', address)
      for (const address of options.bootstrap ?? []) args.push('--bootstrap', address)
      if (!options.mdns) args.push('--no-mdns')
      if (options.quiet === true) args.push('--quiet')
      process.exitCode = await runAgent(args)
    })
}
