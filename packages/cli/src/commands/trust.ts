/**
 * `cell trust add|revoke|block|unblock|blocked|list|why|graph|verify|fingerprint`
 * and `cell cells`: the web of trust as this cell sees it.
 */
import { printFields, printJson, printTable } from '../output.ts'
import type { CommandModule } from '../context.ts'

const scopes = (value: string): string[] => value.split(',').map(scope => scope.trim()).filter(scope => scope !== '')

export const trustCommands: CommandModule = (program, cli) => {
  const trust = program.command('trust').description('trust other cells, revoke or block them, and see why')

  trust.command('add <cell>')
    .description('attest a cell (by id or name) as trusted')
    .option('--level <level>', 'full or marginal', 'full')
    .option('--scope <scopes>', 'comma-separated: mesh,route,dns,mail,calendar,files or *', '*')
    .option('--depth <n>', 'how far your trust reaches past this cell (0-4)', '2')
    .option('--expires <duration>', 'lifetime such as 30d, 24h', '365d')
    .action(async (cell: string, options: { level: string, scope: string, depth: string, expires: string }) => {
      const { attestation } = await (await cli.client()).post('/api/trust/attestations', {
        cell, level: options.level, scopes: scopes(options.scope), maxDepth: Number(options.depth), expires: options.expires
      })
      process.stdout.write(`trusted ${attestation.subject} (${attestation.level}, ${attestation.scopes.join(',')}) until ${new Date(attestation.notAfter).toISOString()}\n`)
    })

  trust.command('revoke <cell>')
    .description('withdraw your trust in a cell')
    .action(async (cell: string) => {
      const { attestation } = await (await cli.client()).post('/api/trust/revoke', { cell })
      process.stdout.write(`revoked ${attestation.subject}\n`)
    })

  trust.command('block <cell>')
    .description('refuse a cell whoever vouches for it (kept on this cell only)')
    .option('--note <text>', 'why, for your own records')
    .action(async (cell: string, options: { note?: string }) => {
      const { blocked } = await (await cli.client()).post('/api/trust/blocked', { cell, note: options.note })
      process.stdout.write(`blocked ${blocked.cellId}: it is in no trust view of this cell, whoever vouches for it\n`)
    })

  trust.command('unblock <cell>')
    .description('lift a block; the cell counts again as attestations say')
    .action(async (cell: string) => {
      const result = await (await cli.client()).delete(`/api/trust/blocked/${encodeURIComponent(cell)}`)
      process.stdout.write(`unblocked ${result.cell}\n`)
    })

  trust.command('blocked')
    .description('the cells this cell blocks')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const { cells } = await (await cli.client()).get('/api/trust/blocked')
      if (options.json === true) { printJson(cells); return }
      printTable(cells.map((c: any) => ({ cell: c.cellId, name: c.name, since: c.blockedAt, note: c.note })), ['cell', 'name', 'since', 'note'], '(no blocked cells)')
    })

  trust.command('list')
    .description('every trusted cell, with level, scopes and source')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const { cells } = await (await cli.client()).get('/api/trust')
      if (options.json === true) { printJson(cells); return }
      printTable(cells.map((c: any) => ({ cell: c.cellId, name: c.name, level: c.level, source: c.source, distance: c.distance, scopes: c.scopes })),
        ['cell', 'name', 'level', 'source', 'distance', 'scopes'], '(no trusted cells)')
    })

  trust.command('why <cell>')
    .description('why a cell is or is not trusted')
    .option('--scope <scope>', 'which scope to explain', 'mesh')
    .option('--json', 'machine-readable output')
    .action(async (cell: string, options: { scope: string, json?: boolean }) => {
      const result = await (await cli.client()).get(`/api/trust/why/${encodeURIComponent(cell)}?scope=${encodeURIComponent(options.scope)}`)
      if (options.json === true) { printJson(result); return }
      const explanation = result.explanation
      printFields([['cell', `${result.name ?? ''} ${result.cell}`.trim()], ['scope', result.scope], ['trusted', result.trusted ? 'yes' : 'no'], ['why', explanation.detail]])
      for (const path of explanation.paths) {
        process.stdout.write(`  chain: ${path.cells.join(' -> ')}  (${path.levels.join(', ')}; flow ${path.flow})\n`)
      }
    })

  trust.command('graph')
    .description('the attestation graph this cell knows')
    .option('--format <format>', 'dot or json', 'json')
    .action(async (options: { format: string }) => {
      const graph = await (await cli.client()).get(`/api/trust/graph?format=${encodeURIComponent(options.format)}`)
      // DOT comes back as text, JSON as an object.
      if (typeof graph === 'string') process.stdout.write(graph)
      else printJson(graph)
    })

  trust.command('fingerprint [cell]')
    .description('the short code to compare out of band (default: this cell)')
    .option('--json', 'machine-readable output')
    .action(async (cell: string | undefined, options: { json?: boolean }) => {
      const client = await cli.client()
      const id = cell ?? (await client.get('/api/identity')).cellId
      const result = await client.get(`/api/trust/fingerprint/${encodeURIComponent(id)}`)
      if (options.json === true) printJson(result)
      else process.stdout.write(`${result.fingerprint}\n`)
    })

  trust.command('verify <cell> <fingerprint>')
    .description('mark a cell verified after comparing its fingerprint out of band')
    .action(async (cell: string, code: string) => {
      const result = await (await cli.client()).post('/api/trust/verify', { cell, fingerprint: code })
      process.stdout.write(`verified ${result.cell}\n`)
    })

  program.command('cells [cell]')
    .description('cells whose signed peer records this cell holds; with a cell id, that one (looked up in the DHT if unknown)')
    .option('--json', 'machine-readable output')
    .action(async (cell: string | undefined, options: { json?: boolean }) => {
      const client = await cli.client()
      if (cell != null) {
        const { cell: record } = await client.get(`/api/trust/cells/${encodeURIComponent(cell)}`)
        if (options.json === true) printJson(record)
        else printFields([['cell', record.cellId], ['name', record.name], ['overlay', [record.overlay?.ipv4, record.overlay?.ipv6]], ['multiaddrs', record.multiaddrs], ['wireguard', record.wgPublicKey], ['endpoints', record.wgEndpoints], ['seq', record.seq]])
        return
      }
      const { cells } = await client.get('/api/trust/cells')
      if (options.json === true) { printJson(cells); return }
      printTable(cells.map((c: any) => ({ cell: c.cellId, name: c.name, ipv4: c.overlay?.ipv4, ipv6: c.overlay?.ipv6, seq: c.seq })),
        ['cell', 'name', 'ipv4', 'ipv6', 'seq'], '(no known cells)')
    })
}
