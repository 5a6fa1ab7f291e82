/**
 * `cell dns list|add|rm`: the user's own records in the `cell` zone, served
 * by this cell's DNS server next to the names of trusted cells.
 */
import { CliError } from '../errors.ts'
import { printJson, printTable } from '../output.ts'
import type { CommandModule } from '../context.ts'

const TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'SRV']

const VALUE_HELP = `
Values by type:
  A      an IPv4 address          cell dns add blog.cell A 100.64.0.7
  AAAA   an IPv6 address          cell dns add blog.cell AAAA fdab:bf08:7a36::7
  CNAME  a target name            cell dns add www.cell CNAME blog.cell
  TXT    one string (<= 255 B)    cell dns add cell TXT "v=spf1 -all"
  MX     "PREFERENCE EXCHANGE"    cell dns add cell MX "10 mail.cell"
  SRV    "PRIORITY WEIGHT PORT TARGET"
                                  cell dns add _imap._tcp.cell SRV "0 5 993 mail.cell"
Names are fully qualified inside the zone (blog.cell, _http._tcp.alice.cell).`

function numbers (value: string, fields: string[], type: string): Array<number | string> {
  const parts = value.trim().split(/\s+/)
  if (parts.length !== fields.length) {
    throw new CliError(`${type} value must be "${fields.join(' ')}", got "${value}"`, 'ERR_USAGE', 2)
  }
  // Numbers go as numbers; the agent checks their ranges and names the field.
  return parts.map((part, i) => i < fields.length - 1 && /^-?\d+$/.test(part) ? Number(part) : part)
}

/** The API's `data` for a record value typed on the command line. */
export function recordData (type: string, value: string): unknown {
  switch (type) {
    case 'MX': {
      const [preference, exchange] = numbers(value, ['PREFERENCE', 'EXCHANGE'], type)
      return { preference, exchange }
    }
    case 'SRV': {
      const [priority, weight, port, target] = numbers(value, ['PRIORITY', 'WEIGHT', 'PORT', 'TARGET'], type)
      return { priority, weight, port, target }
    }
    default:
      return value
  }
}

function show (record: any): string {
  const data = record.data
  if (record.type === 'MX') return `${String(data.preference)} ${String(data.exchange)}`
  if (record.type === 'SRV') return `${String(data.priority)} ${String(data.weight)} ${String(data.port)} ${String(data.target)}`
  if (Array.isArray(data)) return data.map(part => JSON.stringify(part)).join(' ')
  return String(data)
}

export const dnsCommands: CommandModule = (program, cli) => {
  const dns = program.command('dns').description('your own DNS records in the cell zone')

  dns.command('list')
    .description('every record you added')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const { records } = await (await cli.client()).get('/api/dns/records')
      if (options.json === true) { printJson(records); return }
      printTable(records.map((r: any) => ({ id: r.id, name: r.name, type: r.type, ttl: r.ttl, value: show(r) })),
        ['id', 'name', 'type', 'ttl', 'value'], '(no records)')
    })

  dns.command('add <name> <type> <value>')
    .description('add a record (A, AAAA, CNAME, MX, TXT or SRV)')
    .option('--ttl <seconds>', 'time to live, 60 to 604800', '300')
    .option('--json', 'machine-readable output')
    .addHelpText('after', VALUE_HELP)
    .action(async (name: string, rawType: string, value: string, options: { ttl: string, json?: boolean }) => {
      const type = rawType.toUpperCase()
      if (!TYPES.includes(type)) throw new CliError(`Record type must be one of ${TYPES.join(', ')}, got "${rawType}"`, 'ERR_USAGE', 2)
      const { record } = await (await cli.client()).post('/api/dns/records', { name, type, data: recordData(type, value), ttl: Number(options.ttl) })
      if (options.json === true) { printJson(record); return }
      process.stdout.write(`added ${record.name} ${record.type} ${show(record)} (id ${record.id})\n`)
    })

  dns.command('rm <id-or-name> [type] [value]')
    .description('remove a record by id, or every record of a name and type (only the one with VALUE if given)')
    .addHelpText('after', VALUE_HELP)
    .action(async (target: string, rawType: string | undefined, value: string | undefined) => {
      const client = await cli.client()
      let deleted: any[]
      if (rawType == null) {
        ({ deleted } = await client.delete(`/api/dns/records/${encodeURIComponent(target)}`))
      } else {
        const type = rawType.toUpperCase()
        ;({ deleted } = await client.delete('/api/dns/records', { name: target, type, ...(value != null ? { data: recordData(type, value) } : {}) }))
      }
      for (const record of deleted) {
        process.stdout.write(`removed ${String(record.name)} ${String(record.type)} ${show(record)}\n`)
      }
    })
}
