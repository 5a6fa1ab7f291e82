/** `cell services`, `cell service start|stop|restart`, `cell logs`. */
import { printJson, printTable } from '../output.ts'
import type { CommandModule } from '../context.ts'

export const serviceCommands: CommandModule = (program, cli) => {
  program.command('services')
    .description('every managed service and its state')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const { services } = await (await cli.client()).get('/api/services/status')
      if (options.json === true) {
        printJson(services)
        return
      }
      printTable(services.map((s: any) => ({ service: s.name, state: s.state, depends: s.dependencies, error: s.error })), ['service', 'state', 'depends', 'error'])
    })

  const service = program.command('service').description('start, stop or restart one service')
  for (const action of ['start', 'stop', 'restart']) {
    service.command(`${action} <name>`)
      .description(`${action} a service`)
      .action(async (name: string) => {
        const result = await (await cli.client()).post(`/api/services/bus/services/${encodeURIComponent(name)}/${action}`)
        process.stdout.write(`${result.service.name}: ${result.service.state}${result.service.error != null ? ` (${result.service.error})` : ''}\n`)
      })
  }

  program.command('logs <service>')
    .description('recent log lines of one service')
    .option('--level <level>', 'minimum level (trace, debug, info, warn, error)')
    .option('-n, --limit <n>', 'how many lines', '50')
    .option('--json', 'machine-readable output')
    .action(async (name: string, options: { level?: string, limit: string, json?: boolean }) => {
      const query = new URLSearchParams({ limit: options.limit, ...(options.level != null ? { level: options.level } : {}) })
      const { entries } = await (await cli.client()).get(`/api/logs/services/${encodeURIComponent(name)}?${query.toString()}`)
      if (options.json === true) {
        printJson(entries)
        return
      }
      for (const entry of entries) {
        process.stdout.write(`${entry.time} ${entry.level.padEnd(5)} [${entry.component}] ${entry.msg}\n`)
      }
    })
}
