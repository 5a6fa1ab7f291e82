/** `cell config get|set|export|import|backup|backups|restore`. */
import { readFile, writeFile } from 'node:fs/promises'
import { CliError } from '../errors.ts'
import { printJson, printTable } from '../output.ts'
import type { CommandModule } from '../context.ts'

/** `a.b.c` and a value → `{ a: { b: { c: value } } }`. */
export function patchFromPath (path: string, raw: string): Record<string, unknown> {
  if (!/^[a-zA-Z][a-zA-Z0-9]*(\.[a-zA-Z][a-zA-Z0-9]*)*$/.test(path)) {
    throw new CliError(`"${path}" is not a config key; use dotted names such as api.port`, 'ERR_INVALID_KEY', 2)
  }
  let value: unknown
  try {
    // Numbers, booleans, arrays and objects are given as JSON; anything
    // that does not parse is taken as a plain string.
    value = JSON.parse(raw)
  } catch {
    value = raw
  }
  return path.split('.').reduceRight<unknown>((inner, key) => ({ [key]: inner }), value) as Record<string, unknown>
}

function pick (config: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], config)
}

export const configCommands: CommandModule = (program, cli) => {
  const config = program.command('config').description('read and change the cell configuration')

  config.command('get [key]')
    .description('print the config, or one dotted key of it')
    .option('--json', 'machine-readable output')
    .action(async (key: string | undefined, options: { json?: boolean }) => {
      const { config: stored } = await (await cli.client()).get('/api/config')
      const value = key == null ? stored : pick(stored, key)
      if (value === undefined) throw new CliError(`No config key "${key}"`, 'ERR_UNKNOWN_KEY')
      if (options.json === true || typeof value === 'object') printJson(value)
      else process.stdout.write(`${String(value)}\n`)
    })

  config.command('set <key> <value>')
    .description('set one dotted key (value as JSON, or a plain string)')
    .action(async (key: string, raw: string) => {
      await (await cli.client()).put('/api/config', patchFromPath(key, raw))
      process.stdout.write(`${key} updated (some settings apply on the next start)\n`)
    })

  config.command('export [file]')
    .description('write the config as JSON to a file or stdout')
    .action(async (file?: string) => {
      const exported = await (await cli.client()).get('/api/config/export')
      const text = `${JSON.stringify(exported, null, 2)}\n`
      if (file == null) process.stdout.write(text)
      else await writeFile(file, text)
    })

  config.command('import <file>')
    .description('replace the config with a JSON file (a backup is made first)')
    .action(async (file: string) => {
      let value: unknown
      try {
        value = JSON.parse(await readFile(file, 'utf8'))
      } catch (err) {
        throw new CliError(`Cannot read ${file} as JSON: ${(err as Error).message}`, 'ERR_IMPORT_FILE')
      }
      await (await cli.client()).post('/api/config/import', value)
      process.stdout.write(`imported ${file}\n`)
    })

  config.command('backup')
    .description('save a backup of the current config')
    .option('--reason <text>', 'why (shown in the list)', 'manual')
    .action(async (options: { reason: string }) => {
      const { backup } = await (await cli.client()).post('/api/config/backup', { reason: options.reason })
      process.stdout.write(`backup ${backup.id}\n`)
    })

  config.command('backups')
    .description('list config backups')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const { backups } = await (await cli.client()).get('/api/config/backups')
      if (options.json === true) printJson(backups)
      else printTable(backups, ['id', 'createdAt', 'reason', 'bytes'], '(no backups)')
    })

  config.command('restore <id>')
    .description('restore a config backup (the current config is backed up first)')
    .action(async (id: string) => {
      await (await cli.client()).post(`/api/config/restore/${encodeURIComponent(id)}`)
      process.stdout.write(`restored ${id}\n`)
    })
}
