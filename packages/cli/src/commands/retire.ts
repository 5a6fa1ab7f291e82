/**
 * `cell retire`: announce, signed with this cell's key, that the key is
 * rotated to a new cell or compromised. It cannot be undone, so it runs
 * only with --yes and otherwise says what it would do.
 */
import { CliError } from '../errors.ts'
import type { CommandModule } from '../context.ts'

interface RetireOptions { successor?: string, compromised?: boolean, since?: string, yes?: boolean }

export const retireCommands: CommandModule = (program, cli) => {
  program.command('retire')
    .description('retire this cell\'s key: rotated to a new cell (--successor) or compromised (--compromised)')
    .option('--successor <cell-id>', 'the new cell that takes over; cells that attest this one attest it instead')
    .option('--compromised', 'the key leaked: nothing it signs from --since on counts, and no trust moves on')
    .option('--since <time>', 'with --compromised: when the key leaked (ISO 8601), default now')
    .option('--yes', 'really do it; without it the command only says what it would do')
    .action(async (options: RetireOptions) => {
      if ((options.successor != null) === (options.compromised === true)) {
        throw new CliError('Give either --successor <cell-id> or --compromised', 'ERR_USAGE', 2)
      }
      const kind = options.compromised === true ? 'compromised' : 'rotated'
      if (options.yes !== true) {
        process.stdout.write(kind === 'rotated'
          ? `would announce that this cell's key is rotated to ${String(options.successor)}: it signs nothing new, and cells that attest it attest the successor. This cannot be undone; run again with --yes.\n`
          : 'would announce that this cell\'s key is compromised: nothing it signed from then on counts, for anyone. This cannot be undone; run again with --yes.\n')
        process.exitCode = 2
        return
      }
      const { notice } = await (await cli.client()).post('/api/identity/retire', {
        kind, successor: options.successor, since: options.since, confirm: true
      })
      process.stdout.write(`retired: key ${String(notice.kind)} from ${String(notice.effectiveAt)}${notice.successor != null ? `, successor ${String(notice.successor)}` : ''}\n`)
    })
}
