/**
 * `cell mesh status|peers|ping|exit|rotate-key`: the WireGuard mesh that
 * trust drives, as this cell runs it.
 */
import { CliError } from '../errors.ts'
import { printFields, printJson, printTable } from '../output.ts'
import type { CommandModule } from '../context.ts'

function ago (ms: number | null): string {
  if (ms == null) return 'never'
  const seconds = Math.max(0, Math.round((Date.now() - ms) / 1000))
  return seconds < 120 ? `${seconds}s ago` : `${Math.round(seconds / 60)}m ago`
}

export const meshCommands: CommandModule = (program, cli) => {
  const mesh = program.command('mesh').description('the WireGuard mesh between trusted cells')

  mesh.command('status')
    .description('backend, interface, peers and routing of the mesh')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const client = await cli.client()
      const [wireguard, routing] = await Promise.all([client.get('/api/wireguard/status'), client.get('/api/routing/status')])
      if (options.json === true) { printJson({ wireguard, routing }); return }
      printFields([
        ['backend', `${wireguard.backend} (${wireguard.mode})`],
        ...(wireguard.memoryReason != null ? [['why memory', wireguard.memoryReason] as [string, unknown]] : []),
        ['interface', wireguard.interfaceName],
        ['listen port', wireguard.listenPort],
        ['peers', wireguard.peers.length],
        ['handshaken', wireguard.peers.filter((peer: any) => peer.latestHandshake != null).length],
        ['exit node', routing.exitNode ?? 'off'],
        ['forwarding', routing.forwarding ? 'on' : 'off']
      ])
    })

  mesh.command('peers')
    .description('the cells (and manual peers) this cell has a tunnel to')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const result = await (await cli.client()).get('/api/wireguard/peers')
      if (options.json === true) { printJson(result); return }
      printTable(result.peers.map((peer: any) => ({
        cell: peer.cellId,
        name: peer.name,
        ipv4: peer.overlay.ipv4,
        endpoint: peer.endpoint,
        handshake: ago(peer.latestHandshake),
        rx: peer.rxBytes,
        tx: peer.txBytes
      })), ['cell', 'name', 'ipv4', 'endpoint', 'handshake', 'rx', 'tx'], '(no mesh peers)')
      if (result.pending.length > 0) process.stdout.write(`waiting for peer records of: ${result.pending.join(', ')}\n`)
    })

  mesh.command('ping <cell>')
    .description('ping a cell over the overlay (IPv4 and IPv6)')
    .option('--json', 'machine-readable output')
    .action(async (cell: string, options: { json?: boolean }) => {
      const result = await (await cli.client()).post('/api/wireguard/connectivity', { cell })
      if (options.json === true) printJson(result)
      else {
        for (const family of ['ipv4', 'ipv6'] as const) {
          const ping = result[family]
          process.stdout.write(`${ping.address}: ${ping.ok ? `answered in ${ping.rttMs ?? '?'} ms` : ping.detail}\n`)
        }
      }
      if (result.ok !== true) throw new CliError(`${result.cell} did not answer over the overlay`, 'ERR_PING_FAILED')
    })

  mesh.command('exit <cell>')
    .description('send all traffic through a cell trusted for "route", or "off"')
    .action(async (cell: string) => {
      const peer = cell === 'off' ? null : cell
      await (await cli.client()).post('/api/routing/exit-nodes', { peer })
      process.stdout.write(peer == null ? 'exit node off\n' : `exit node: ${peer}\n`)
    })

  mesh.command('rotate-key')
    .description('replace this cell\'s WireGuard key pair and re-announce it')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const result = await (await cli.client()).post('/api/wireguard/keys/rotate')
      if (options.json === true) printJson(result)
      else process.stdout.write(`new WireGuard public key: ${result.publicKey}\n`)
    })
}
