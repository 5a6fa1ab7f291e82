/**
 * The one typed schema of a cell's configuration. Every field has a default,
 * so an empty file (or none) is a complete config. Objects are strict:
 * an unknown key is an error that names the key, never silently ignored,
 * because a typo in a firewall or trust setting must not pass unnoticed.
 */
import { hostname } from 'node:os'
import { z } from 'zod'
import {
  DEFAULT_API_BODY_LIMIT, DEFAULT_API_HOST, DEFAULT_API_PORT, DEFAULT_LOG_FILE_BYTES, DEFAULT_LOG_FILES_KEPT,
  DEFAULT_P2P_PORT
} from '../constants.ts'
import { meshConfigSchema } from '../mesh/config-schema.ts'

/** RFC 1035 section 2.3.1 label, lowercase: what a cell name must be. */
export const cellNameSchema = z.string()
  .min(1).max(63)
  .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, 'must be a DNS label: lowercase letters, digits and inner hyphens')

const hostSchema = z.string().min(1).max(253).regex(/^[A-Za-z0-9.:\-[\]]+$/, 'must be a host name or IP address')
const portSchema = z.number().int().min(0).max(65535)
const multiaddrSchema = z.string().min(2).max(1024).startsWith('/', 'must be a multiaddr such as /ip4/127.0.0.1/tcp/4001')

/** Derive a default cell name from the host name, as a valid DNS label. */
export function defaultCellName (host = hostname()): string {
  const label = host.toLowerCase().split('.')[0].replace(/[^a-z0-9-]/g, '-').replace(/^-+|-+$/g, '').slice(0, 63)
  return cellNameSchema.safeParse(label).success ? label : 'cell'
}

export const configSchema = z.strictObject({
  cell: z.strictObject({
    name: cellNameSchema.default(defaultCellName)
  }).prefault({}),
  api: z.strictObject({
    host: hostSchema.default(DEFAULT_API_HOST),
    port: portSchema.default(DEFAULT_API_PORT),
    bodyLimitBytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(DEFAULT_API_BODY_LIMIT),
    // HTTPS with a certificate from the cell's own CA (needs the vault).
    tls: z.boolean().default(false)
  }).prefault({}),
  p2p: z.strictObject({
    listen: z.array(multiaddrSchema).max(16).default([`/ip4/0.0.0.0/tcp/${DEFAULT_P2P_PORT}`]),
    announce: z.array(multiaddrSchema).max(16).default([]),
    bootstrap: z.array(multiaddrSchema).max(64).default([]),
    mdns: z.boolean().default(true),
    maxConnections: z.number().int().min(1).max(10_000).default(300),
    // A DHT server answers other cells' lookups and keeps their records; a
    // client only asks. Client suits a cell on a small or busy machine: it
    // still finds cells and publishes its own peer record through servers.
    dhtMode: z.enum(['server', 'client']).default('server')
  }).prefault({}),
  trust: z.strictObject({
    syncIntervalSeconds: z.number().int().min(0).max(86_400).default(30),
    quarantineCapacity: z.number().int().min(0).max(100_000).default(1000),
    // Attest the new key of a cell this cell attests when the cell rotates
    // its key (see trust/rotation-follower.ts).
    followRotations: z.boolean().default(true)
  }).prefault({}),
  dns: z.strictObject({
    enabled: z.boolean().default(true),
    host: hostSchema.default('127.0.0.1'),
    // 5353 needs no privileges; choose 53 to serve the machine's resolver.
    port: portSchema.default(5353),
    upstreams: z.array(z.string().regex(/^(\[[0-9a-fA-F:.]+\]|[0-9.]+)(:\d{1,5})?$/, 'must be IP[:PORT]')).max(8).default([])
  }).prefault({}),
  vault: z.strictObject({
    // Read when CELL_VAULT_PASSPHRASE is unset; without either the vault uses a key file.
    passphraseFile: z.string().min(1).max(4096).optional(),
    renewBeforeDays: z.number().int().min(1).max(365).default(30),
    renewIntervalMinutes: z.number().int().min(1).max(7 * 24 * 60).default(6 * 60)
  }).prefault({}),
  mesh: meshConfigSchema.prefault({}),
  logging: z.strictObject({
    level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
    stdout: z.boolean().default(true),
    maxFileBytes: z.number().int().min(64 * 1024).default(DEFAULT_LOG_FILE_BYTES),
    maxFiles: z.number().int().min(1).max(100).default(DEFAULT_LOG_FILES_KEPT)
  }).prefault({})
})

export type CellConfig = z.infer<typeof configSchema>
export type CellConfigInput = z.input<typeof configSchema>

/** Flatten zod issues into `{ path, message }` with dotted paths. */
export function describeIssues (error: z.ZodError): Array<{ path: string, message: string }> {
  return error.issues.map(issue => {
    const path = issue.path.map(String).join('.')
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map(key => (path === '' ? key : `${path}.${key}`))
      return { path, message: `unknown key${keys.length > 1 ? 's' : ''} ${keys.map(k => `"${k}"`).join(', ')}` }
    }
    return { path, message: issue.message }
  })
}
