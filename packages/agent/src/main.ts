/**
 * The agent process: parse flags, open the cell, start it, print where it
 * is, and stop it cleanly on SIGINT/SIGTERM (exit code 0).
 */
import { parseArgs } from 'node:util'
import { Cell } from './cell.ts'
import { CellError } from './errors.ts'
import { resolveDataDir } from './paths.ts'
import type { JsonObject } from './config/merge.ts'

const USAGE = `Usage: cell-agent [--data-dir DIR] [--api HOST:PORT] [--dns HOST:PORT] [--listen MULTIADDR]...
                  [--bootstrap MULTIADDR]... [--no-mdns] [--quiet]
       cell-agent --init [--data-dir DIR] [--name NAME] [--json]`

export function splitHostPort (value: string, flag: string): { host: string, port: number } {
  const match = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(value)
  const port = match == null ? NaN : Number(match[2])
  if (match == null || port > 65535) {
    throw new CellError(`${flag} expects HOST:PORT (for example 127.0.0.1:3000), got "${value}"`, 'ERR_INVALID_FLAG', 2)
  }
  return { host: match[1].replace(/^\[|\]$/g, ''), port }
}

export function overridesFromFlags (values: { api?: string, dns?: string, listen?: string[], bootstrap?: string[], mdns?: boolean }): JsonObject {
  const overrides: JsonObject = {}
  if (values.api != null) overrides.api = splitHostPort(values.api, '--api')
  if (values.dns != null) overrides.dns = splitHostPort(values.dns, '--dns')
  const p2p: JsonObject = {}
  if (values.listen != null && values.listen.length > 0) p2p.listen = values.listen
  if (values.bootstrap != null && values.bootstrap.length > 0) p2p.bootstrap = values.bootstrap
  if (values.mdns === false) p2p.mdns = false
  if (Object.keys(p2p).length > 0) overrides.p2p = p2p
  return overrides
}

/** `--init`: create the data dir, keys and config, print who we are, exit. */
async function initialise (dataDir: string, name: string | undefined, json: boolean): Promise<void> {
  const cell = await Cell.open({ dataDir, stdout: false })
  try {
    if (name != null) {
      await cell.config.update({ cell: { name } })
    }
    const summary = {
      cellId: cell.cellId,
      name: cell.config.stored.cell.name,
      wireguardPublicKey: cell.identity.wireguard.publicKey,
      dataDir: cell.paths.root
    }
    process.stdout.write(json
      ? `${JSON.stringify(summary, null, 2)}\n`
      : `cell ${summary.name} initialised\n  cell id:  ${summary.cellId}\n  data dir: ${summary.dataDir}\n`)
  } finally {
    await cell.stop()
  }
}

export async function main (argv = process.argv.slice(2)): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'data-dir': { type: 'string' },
      api: { type: 'string' },
      dns: { type: 'string' },
      init: { type: 'boolean' },
      name: { type: 'string' },
      json: { type: 'boolean' },
      listen: { type: 'string', multiple: true },
      bootstrap: { type: 'string', multiple: true },
      'no-mdns': { type: 'boolean' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean' }
    },
    strict: true
  })
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`)
    return
  }

  const dataDir = resolveDataDir(values['data-dir'])
  if (values.init === true) {
    await initialise(dataDir, values.name, values.json === true)
    return
  }
  const overrides = overridesFromFlags({ ...values, mdns: values['no-mdns'] === true ? false : undefined })
  const cell = await Cell.open({ dataDir, overrides, stdout: values.quiet === true ? false : undefined })

  let stopping = false
  const stop = (signal: string): void => {
    if (stopping) return
    stopping = true
    cell.log.info({ signal }, 'received %s', signal)
    cell.stop().then(() => { process.exit(0) }, err => {
      process.stderr.write(`cell: error while stopping: ${(err as Error).message}\n`)
      process.exit(1)
    })
  }
  process.on('SIGINT', () => { stop('SIGINT') })
  process.on('SIGTERM', () => { stop('SIGTERM') })
  // Started by `cell start` with an IPC channel: the channel closes when
  // that parent dies, however it died.
  if (process.send != null) {
    process.on('disconnect', () => { stop('parent exited') })
  }

  try {
    await cell.start()
  } catch (err) {
    await cell.stop().catch(() => {})
    throw err
  }

  process.stderr.write([
    `cell ${cell.config.effective.cell.name} is running`,
    `  cell id:   ${cell.cellId}`,
    `  API:       ${cell.apiUrl ?? '(none)'}  (token in ${cell.paths.apiToken})`,
    `  p2p:       ${cell.libp2p.getMultiaddrs().map(String).join(' ')}`,
    `  data dir:  ${cell.paths.root}`,
    ...(cell.mesh.memoryBackendReason != null ? [`  mesh:      memory backend, no real tunnels: ${cell.mesh.memoryBackendReason}`] : []),
    '  stop with Ctrl-C (SIGINT) or SIGTERM',
    ''
  ].join('\n'))
}
