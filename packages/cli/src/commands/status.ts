/** `cell status` and `cell id`: is the cell up, and who is it. */
import { printFields, printJson, printTable } from '../output.ts'
import type { CommandModule } from '../context.ts'

export const statusCommands: CommandModule = (program, cli) => {
  program.command('status')
    .description('health of the running cell and its services')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const client = await cli.client()
      const health = await client.get('/health')
      const { services } = await client.get('/api/services/status')
      if (options.json === true) {
        printJson({ ...health, services })
        return
      }
      printFields([['cell', `${health.name} (${health.cellId})`], ['status', health.status], ['uptime', `${health.uptimeSeconds} s`], ['api', client.url]])
      process.stdout.write('\n')
      printTable(services.map((s: any) => ({ service: s.name, state: s.state, since: s.since, error: s.error })), ['service', 'state', 'since', 'error'])
    })

  program.command('id')
    .description('this cell\'s id, name, addresses and WireGuard public key')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const identity = await (await cli.client()).get('/api/identity')
      if (options.json === true) {
        printJson(identity)
        return
      }
      printFields([
        ['cell id', identity.cellId],
        ['name', identity.name],
        ['wireguard key', identity.wireguardPublicKey],
        ['multiaddrs', identity.multiaddrs.length > 0 ? identity.multiaddrs.join('\n' + ' '.repeat(15)) : '-'],
        ['retired', identity.retired == null ? 'no' : `${String(identity.retired.kind)} at ${String(identity.retired.effectiveAt)}${identity.retired.successor != null ? ` (successor ${String(identity.retired.successor)})` : ''}`]
      ])
    })
}
