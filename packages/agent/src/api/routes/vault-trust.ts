/**
 * The original system's `/api/vault/trust/*` endpoints, mapped onto the web
 * of trust: trusted keys are trusted cells, adding one is a direct
 * attestation, removing one is a revocation, chains are explanations.
 */
import { VIEW_SCOPES } from '@cell/trust'
import { z } from 'zod'
import { parseInput } from '../validate.ts'
import { resolveCell, resolveOtherCell } from './trust.ts'
import type { RouteModule } from '../context.ts'

const addKeyBody = z.strictObject({
  cell: z.string().min(1).max(128),
  level: z.enum(['full', 'marginal']).default('full'),
  scopes: z.array(z.enum(['mesh', 'route', 'dns', 'mail', 'calendar', 'files', '*'])).min(1)
    .refine(scopes => new Set(scopes).size === scopes.length, 'must not repeat a scope').default(['*'])
})
const verifyBody = z.strictObject({ cell: z.string().min(1).max(128), scope: z.enum(VIEW_SCOPES).default('mesh') })

export const vaultTrustRoutes: RouteModule = (router, api) => {
  router.get('/api/vault/trust/keys', ctx => {
    const view = api.trust().node.view('mesh')
    ctx.body = {
      keys: [...view.entries.values()].map(entry => ({
        cellId: entry.cellId, name: api.trust().records.peerRecord(entry.cellId)?.name, level: entry.level, source: entry.source
      }))
    }
  })

  router.post('/api/vault/trust/keys', async ctx => {
    const body = parseInput(addKeyBody, ctx.request.body)
    const subject = resolveOtherCell(api, body.cell)
    ctx.status = 201
    ctx.body = { attestation: await api.trust().node.attest({ subject, level: body.level, scopes: body.scopes }) }
  })

  router.delete('/api/vault/trust/keys/:cell', async ctx => {
    const subject = resolveOtherCell(api, parseInput(z.string().min(1).max(128).regex(/^[A-Za-z0-9-]+$/), ctx.params.cell, 'cell'))
    ctx.body = { attestation: await api.trust().revoke(subject) }
  })

  router.post('/api/vault/trust/verify', ctx => {
    const body = parseInput(verifyBody, ctx.request.body)
    const cell = resolveCell(api, body.cell)
    const view = api.trust().node.view(body.scope)
    ctx.body = { cell, scope: body.scope, trusted: view.has(cell), entry: view.get(cell) ?? null }
  })

  router.get('/api/vault/trust/chains', ctx => {
    const view = api.trust().node.view('mesh')
    ctx.body = {
      chains: [...view.entries.values()].map(entry => ({ cellId: entry.cellId, source: entry.source, paths: view.explain(entry.cellId).paths }))
    }
  })
}
