/** `cell peers` and `cell connect`: libp2p connections of the cell. */
import { printJson, printTable } from '../output.ts'
import type { CommandModule } from '../context.ts'

export const peerCommands: CommandModule = (program, cli) => {
  program.command('peers')
    .description('cells this cell is connected to')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const { peers } = await (await cli.client()).get('/api/peers')
      if (options.json === true) {
        printJson(peers)
        return
      }
      printTable(peers.map((peer: any) => ({ peer: peer.peerId, address: peer.addresses[0], direction: peer.directions[0] })), ['peer', 'address', 'direction'], '(no connected peers)')
    })

  program.command('connect <multiaddr>')
    .description('dial a cell by multiaddr (must end in /p2p/<cell id>)')
    .action(async (address: string) => {
      const result = await (await cli.client()).post('/api/peers/connect', { multiaddr: address })
      process.stdout.write(`connected to ${result.peerId} via ${result.address}\n`)
    })
}
