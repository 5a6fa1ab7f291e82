/**
 * `cell vault status|ca` and `cell cert issue|list|revoke|renew`: the
 * cell's certificate authority. A certificate's key is shown by the agent
 * once, when it is issued or renewed, so `issue` writes it straight to a
 * file (mode 0600) and never prints it.
 */
import { collect } from '../context.ts'
import { writeKeyPair, checkWritable } from '../key-files.ts'
import { printFields, printJson, printTable } from '../output.ts'
import type { CommandModule } from '../context.ts'

interface Issued {
  certificate: { serial: string, commonName: string, sans: string[], notAfter: string, usage: string[] }
  certPem: string
  keyPem: string
}

function report (issued: Issued, paths: { cert: string, key: string } | undefined): void {
  const { certificate } = issued
  printFields([
    ['serial', certificate.serial],
    ['common name', certificate.commonName],
    ['sans', certificate.sans],
    ['usage', certificate.usage],
    ['not after', certificate.notAfter],
    ...(paths != null ? [['certificate', paths.cert], ['key', paths.key]] as Array<[string, string]> : [])
  ])
}

export const vaultCommands: CommandModule = (program, cli) => {
  const vault = program.command('vault').description("the cell's vault: certificate authority and age identity")

  vault.command('status')
    .description('whether the vault is open, its CA and its certificates')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const status = await (await cli.client()).get('/api/vault/status')
      if (options.json === true) { printJson(status); return }
      printFields([
        ['state', status.state],
        ...(status.error != null ? [['error', status.error]] as Array<[string, unknown]> : []),
        ['unlock', `${String(status.unlock)} (${String(status.passphraseSource)})`],
        ['ca', status.ca?.subject?.replace(/\n/g, ', ')],
        ['ca sha256', status.ca?.fingerprint256],
        ['ca expires', status.ca?.notAfter],
        ['certificates', status.certificates],
        ['age recipient', status.ageRecipient]
      ])
    })

  vault.command('ca')
    .description("print the cell's CA certificate (PEM), for trust stores")
    .action(async () => {
      process.stdout.write(await (await cli.client()).get<string>('/api/vault/ca/certificate'))
    })

  const cert = program.command('cert').description("certificates issued by the cell's CA")

  cert.command('issue <name>')
    .description('issue a certificate for <name> (its common name) and write PREFIX.crt and PREFIX.key')
    .requiredOption('--out <prefix>', 'write the certificate to PREFIX.crt and the key to PREFIX.key (mode 0600)')
    .option('--san <name>', 'DNS name or IP address the certificate covers (repeatable)', collect, [])
    .option('--days <n>', 'validity in days (1-1825)', '90')
    .option('--client', 'a client certificate (TLS client authentication) instead of a server one')
    .option('--server', 'with --client: usable for both')
    .option('--force', 'overwrite existing files')
    .option('--json', 'machine-readable output (without the key)')
    .action(async (name: string, options: { out: string, san: string[], days: string, client?: boolean, server?: boolean, force?: boolean, json?: boolean }) => {
      const paths = { cert: `${options.out}.crt`, key: `${options.out}.key` }
      // Checked before asking the agent, so a refusal issues nothing.
      await checkWritable(paths, options.force === true)
      const usage = options.client === true ? (options.server === true ? ['server', 'client'] : 'client') : 'server'
      const issued = await (await cli.client()).post<Issued>('/api/vault/certificates', {
        commonName: name, sans: options.san, days: Number(options.days), usage
      })
      await writeKeyPair(paths, issued, options.force === true)
      if (options.json === true) { printJson({ certificate: issued.certificate, files: paths }); return }
      report(issued, paths)
    })

  cert.command('list')
    .description('every certificate the cell has issued')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const { certificates } = await (await cli.client()).get('/api/vault/certificates')
      if (options.json === true) { printJson(certificates); return }
      printTable(certificates.map((c: any) => ({ serial: c.serial, name: c.commonName, sans: c.sans, status: c.status, expires: c.notAfter })),
        ['serial', 'name', 'sans', 'status', 'expires'], '(no certificates)')
    })

  cert.command('revoke <serial>')
    .description('revoke a certificate; it is listed in the next CRL at once')
    .option('--reason <reason>', 'unspecified, keyCompromise, cACompromise, affiliationChanged, superseded, cessationOfOperation or privilegeWithdrawn')
    .action(async (serial: string, options: { reason?: string }) => {
      const { certificate } = await (await cli.client()).delete(`/api/vault/certificates/${encodeURIComponent(serial)}`,
        options.reason != null ? { reason: options.reason } : undefined)
      process.stdout.write(`revoked ${certificate.serial} (${certificate.commonName})\n`)
    })

  cert.command('renew <serial>')
    .description('replace a certificate by a new one (new key and serial, same names)')
    .option('--out <prefix>', 'write the new certificate and key to PREFIX.crt and PREFIX.key')
    .option('--days <n>', 'validity in days (default: as before)')
    .option('--force', 'overwrite existing files')
    .action(async (serial: string, options: { out?: string, days?: string, force?: boolean }) => {
      const paths = options.out != null ? { cert: `${options.out}.crt`, key: `${options.out}.key` } : undefined
      if (paths != null) await checkWritable(paths, options.force === true)
      const issued = await (await cli.client()).post<Issued>(`/api/vault/certificates/${encodeURIComponent(serial)}/renew`,
        options.days != null ? { days: Number(options.days) } : {})
      if (paths != null) await writeKeyPair(paths, issued, options.force === true)
      report(issued, paths)
      if (paths == null) process.stderr.write('note: the new key was not saved (use --out PREFIX); the agent will not show it again\n')
    })
}
