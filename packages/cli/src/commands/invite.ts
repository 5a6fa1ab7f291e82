/** `cell invite` and `cell join`: one token, one command to join a mesh. */
import qrcode from 'qrcode-terminal'
import { printJson } from '../output.ts'
import type { CommandModule } from '../context.ts'

function qr (text: string): Promise<string> {
  return new Promise(resolve => { qrcode.generate(text, { small: true }, resolve) })
}

export const inviteCommands: CommandModule = (program, cli) => {
  program.command('invite')
    .description('print a one-time token that lets another cell join through this one')
    .option('--level <level>', 'full or marginal', 'full')
    .option('--scope <scopes>', 'comma-separated scopes, or *', '*')
    .option('--expires <duration>', 'validity such as 24h, 30m', '24h')
    .option('--json', 'machine-readable output')
    .option('--no-qr', 'do not draw the QR code')
    .action(async (options: { level: string, scope: string, expires: string, json?: boolean, qr: boolean }) => {
      const result = await (await cli.client()).post('/api/trust/invites', {
        level: options.level, scopes: options.scope.split(',').map(s => s.trim()), expires: options.expires
      })
      if (options.json === true) { printJson(result); return }
      process.stdout.write(`${result.token}\n\n`)
      if (options.qr) process.stdout.write(`${await qr(result.token)}\n`)
      process.stdout.write(`valid once, until ${new Date(result.expiresAt).toISOString()}; on the other cell run: cell join <token>\n`)
    })

  program.command('join <token>')
    .description('join the mesh through an invite token')
    .option('--json', 'machine-readable output')
    .action(async (token: string, options: { json?: boolean }) => {
      const result = await (await cli.client()).post('/api/trust/join', { token })
      if (options.json === true) printJson(result)
      else process.stdout.write(`joined: ${result.inviterId} now trusts this cell (${result.level}, ${result.scopes.join(',')}), and this cell trusts it\n`)
    })
}
