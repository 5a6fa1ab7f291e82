/**
 * `/api/vault/*`: the cell's certificate authority and age identity.
 *
 * A certificate's private key leaves the agent exactly once, in the answer
 * that issues (or renews) it; the vault keeps only a sealed copy for
 * renewal, and no endpoint hands it out again. The CRL is public by
 * nature, so besides `/api/vault/crl` it is served without a token at
 * `/crl.pem` (the auth middleware guards `/api/*` only).
 *
 * `/api/vault/trust/cas` lists the CAs of other cells this cell accepts
 * (kept in step with the web of trust by the `ca-exchange` service); with
 * `?scope=` it lists exactly the CAs a TLS context for that scope trusts.
 */
import { X509Certificate } from 'node:crypto'
import { REVOCATION_REASONS } from '@cell/services'
import { z } from 'zod'
import { VAULT_SCOPE } from '../../services/ca-exchange-plan.ts'
import { parseInput } from '../validate.ts'
import type { ApiContext, RouteModule } from '../context.ts'
import type { CertificateInfo, IssuedCertificate, PeerCa, RevocationReason } from '@cell/services'
import type { Context } from 'koa'

const usage = z.enum(['server', 'client'])
const issueBody = z.strictObject({
  commonName: z.string().min(1).max(64),
  sans: z.array(z.string().min(1).max(253)).max(100).default([]),
  days: z.number().int().min(1).max(1825).default(90),
  usage: z.union([usage, z.array(usage).min(1).max(2)]).default('server')
})
const serialParam = z.string().regex(/^[0-9a-fA-F:]{1,100}$/, 'must be a certificate serial in hex').transform(serial => serial.replaceAll(':', '').toLowerCase())
const reasonSchema = z.enum(Object.keys(REVOCATION_REASONS) as [RevocationReason, ...RevocationReason[]]).optional()
const revokeBody = z.strictObject({ reason: reasonSchema }).optional()
const renewBody = z.strictObject({ days: z.number().int().min(1).max(1825).optional() }).optional()
const vaultScopes = Object.values(VAULT_SCOPE) as [string, ...string[]]
const peerCasQuery = z.strictObject({ scope: z.enum(vaultScopes).optional() })

const PEM_TYPES = ['text/plain', 'application/x-pem-file', 'application/json'] as const

/** A certificate record with ISO dates, as every endpoint returns it. */
function describe (info: CertificateInfo): Record<string, unknown> {
  return {
    serial: info.serial,
    commonName: info.commonName,
    sans: info.sans,
    usage: info.usage,
    status: info.status,
    notBefore: info.notBefore.toISOString(),
    notAfter: info.notAfter.toISOString(),
    ...(info.credential != null ? { credential: info.credential } : {}),
    ...(info.renewedFrom != null ? { renewedFrom: info.renewedFrom } : {}),
    ...(info.supersededBy != null ? { supersededBy: info.supersededBy } : {}),
    ...(info.revokedAt != null ? { revokedAt: info.revokedAt.toISOString(), revocationReason: info.revocationReason } : {})
  }
}

/** An accepted peer CA, with the cell's name when its peer record is known. */
function describePeerCa (api: ApiContext, peer: PeerCa): Record<string, unknown> {
  const name = api.bus.isRunning('trust') ? api.trust().records.peerRecord(peer.cellId)?.name : undefined
  return {
    cellId: peer.cellId,
    ...(name != null ? { name } : {}),
    scopes: peer.scopes,
    subject: new X509Certificate(peer.caPem).subject,
    fingerprint: peer.fingerprint,
    acceptedAt: peer.acceptedAt.toISOString(),
    notAfter: peer.notAfter.toISOString(),
    caPem: peer.caPem
  }
}

function issued (cert: IssuedCertificate): Record<string, unknown> {
  return { certificate: describe(cert), certPem: cert.certPem, keyPem: cert.keyPem, caPem: cert.caPem }
}

/** PEM as text unless the client asks for JSON (curl and browsers get the PEM). */
function sendPem (ctx: Context, pem: string, json: Record<string, unknown>): void {
  if (ctx.accepts(...PEM_TYPES) === 'application/json') {
    ctx.body = { pem, ...json }
    return
  }
  ctx.type = 'text/plain; charset=utf-8'
  ctx.body = pem
}

async function sendCrl (ctx: Context, api: ApiContext): Promise<void> {
  const crl = await api.vault().vault.crl()
  ctx.set('cache-control', 'no-cache')
  sendPem(ctx, crl.pem, { number: crl.number, thisUpdate: crl.thisUpdate.toISOString(), nextUpdate: crl.nextUpdate.toISOString() })
}

export const vaultRoutes: RouteModule = (router, api) => {
  router.get('/api/vault/status', ctx => {
    const info = api.bus.info('vault')
    ctx.body = { state: info.state, ...(info.error != null ? { error: info.error } : {}), ...info.details }
  })

  router.get('/api/vault/certificates', ctx => {
    ctx.body = { certificates: api.vault().vault.listCertificates().map(describe) }
  })

  router.post('/api/vault/certificates', async ctx => {
    const body = parseInput(issueBody, ctx.request.body)
    const cert = await api.vault().vault.issue(body)
    api.log.info({ serial: cert.serial, commonName: cert.commonName }, 'issued certificate %s', cert.serial)
    ctx.status = 201
    ctx.body = issued(cert)
  })

  router.get('/api/vault/certificates/:serial', async ctx => {
    const serial = parseInput(serialParam, ctx.params.serial, 'serial')
    const { certPem, ...info } = await api.vault().vault.getCertificate(serial)
    ctx.body = { certificate: describe(info), certPem }
  })

  router.delete('/api/vault/certificates/:serial', async ctx => {
    const serial = parseInput(serialParam, ctx.params.serial, 'serial')
    const query = parseInput(z.strictObject({ reason: reasonSchema }), ctx.query, 'query')
    const body = parseInput(revokeBody, ctx.request.body)
    const info = await api.vault().vault.revoke(serial, body?.reason ?? query.reason)
    api.log.info({ serial, reason: info.revocationReason }, 'revoked certificate %s', serial)
    ctx.body = { certificate: describe(info) }
  })

  router.post('/api/vault/certificates/:serial/renew', async ctx => {
    const serial = parseInput(serialParam, ctx.params.serial, 'serial')
    const body = parseInput(renewBody, ctx.request.body)
    const cert = await api.vault().vault.renew(serial, { days: body?.days })
    api.log.info({ serial: cert.serial, previous: serial }, 'renewed certificate %s as %s', serial, cert.serial)
    ctx.status = 201
    ctx.body = issued(cert)
  })

  router.get('/api/vault/ca/certificate', ctx => {
    sendPem(ctx, api.vault().vault.caPem(), {})
  })

  router.get('/api/vault/crl', async ctx => { await sendCrl(ctx, api) })

  // Public: relying parties fetch the CRL without the cell's API token.
  router.get('/crl.pem', async ctx => { await sendCrl(ctx, api) })

  router.get('/api/vault/trust/cas', ctx => {
    const query = parseInput(peerCasQuery, ctx.query, 'query')
    const vault = api.vault().vault
    // Filter by what peerCaFor offers, so the list is exactly what TLS for the scope trusts.
    const offered = query.scope != null ? new Set(vault.peerCaFor(query.scope)) : undefined
    const peers = vault.listPeerCas().filter(peer => offered == null || offered.has(peer.caPem))
    ctx.body = { cas: peers.map(peer => describePeerCa(api, peer)) }
  })

  router.get('/api/vault/age/public-key', ctx => {
    ctx.body = { recipient: api.vault().vault.ageRecipient() }
  })
}
