/**
 * `/api/trust/*`: this cell's attestations, its computed trust view, why a
 * cell is or is not trusted, the attestation graph, fingerprints, known
 * cells and invites.
 */
import { SCOPES, VIEW_SCOPES, isCellId } from '@cell/trust'
import { z } from 'zod'
import { ConflictError, InvalidInputError, NotFoundError } from '../../errors.ts'
import { fingerprint, normaliseFingerprint } from '../../trust/verified-set.ts'
import { parseInput } from '../validate.ts'
import type { RouteModule, ApiContext } from '../context.ts'
import type { Scope, TrustEntry } from '@cell/trust'

const DURATION = /^(\d{1,6})(s|m|h|d)$/
const UNIT: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** `30d`, `24h`, `90m`, `45s` → milliseconds. */
export const durationSchema = z.string().regex(DURATION, 'must be a duration such as 30d, 24h, 90m').transform(value => {
  const [, amount, unit] = DURATION.exec(value) as RegExpExecArray
  return Number(amount) * UNIT[unit]
})

const scopeList = z.array(z.enum(SCOPES)).min(1).max(SCOPES.length)
  .refine(scopes => new Set(scopes).size === scopes.length, 'must not repeat a scope')
/** A cell id, or the name in a known peer record (see resolveCell). */
export const cellRef = z.string().min(1).max(128).regex(/^[A-Za-z0-9-]+$/, 'must be a cell id or a cell name')

const attestBody = z.strictObject({
  cell: cellRef,
  level: z.enum(['full', 'marginal']).default('full'),
  scopes: scopeList.default(['*']),
  maxDepth: z.number().int().min(0).max(4).default(2),
  expires: durationSchema.default(365 * UNIT.d)
})
const revokeBody = z.strictObject({ cell: cellRef })
const verifyBody = z.strictObject({ cell: cellRef, fingerprint: z.string().min(4).max(64) })
const inviteBody = z.strictObject({
  level: z.enum(['full', 'marginal']).default('full'),
  scopes: scopeList.default(['*']),
  expires: durationSchema.default(24 * UNIT.h)
})
const joinBody = z.strictObject({ token: z.string().min(8).max(4096) })
const scopeQuery = z.strictObject({ scope: z.enum(VIEW_SCOPES).default('mesh') })
const graphQuery = z.strictObject({ format: z.enum(['json', 'dot']).default('json') })

/** Like resolveCell, but refuses this cell itself: trust in oneself is implicit. */
export function resolveOtherCell (api: ApiContext, ref: string): string {
  const cellId = resolveCell(api, ref)
  if (cellId === api.identity.cellId) throw new InvalidInputError('That is this cell itself; a cell cannot attest, revoke or block itself')
  return cellId
}

/** A cell id, or the name in a known peer record (must be unambiguous). */
export function resolveCell (api: ApiContext, ref: string): string {
  if (isCellId(ref)) return ref
  const matches = api.trust().records.peerRecords().filter(record => record.name === ref)
  if (matches.length === 0) throw new NotFoundError(`No known cell named "${ref}"; use its cell id`)
  if (matches.length > 1) {
    throw new ConflictError(`Several cells are named "${ref}": ${matches.map(record => record.cellId).join(', ')}; use a cell id`)
  }
  return matches[0].cellId
}

function nameOf (api: ApiContext, cellId: string): string | undefined {
  return api.trust().records.peerRecord(cellId)?.name
}

/** Every trusted cell with the scopes it is trusted for, across views. */
function trustedCells (api: ApiContext): Array<TrustEntry & { name?: string, scopes: Scope[] }> {
  const node = api.trust().node
  const verified = api.trust().verifiedCells
  const merged = new Map<string, TrustEntry & { name?: string, scopes: Scope[] }>()
  for (const scope of VIEW_SCOPES) {
    for (const entry of node.view(scope).entries.values()) {
      const existing = merged.get(entry.cellId)
      // A direct attestation to a cell verified by invite is shown as such.
      const source = entry.source === 'direct' && verified.has(entry.cellId) ? 'verified' : entry.source
      if (existing == null) {
        merged.set(entry.cellId, { ...entry, source, scopes: [scope], name: nameOf(api, entry.cellId) })
      } else {
        existing.scopes.push(scope)
        if (entry.distance < existing.distance) Object.assign(existing, { distance: entry.distance, source, level: entry.level })
      }
    }
  }
  return [...merged.values()].sort((a, b) => a.distance - b.distance || a.cellId.localeCompare(b.cellId))
}

function graph (api: ApiContext): { nodes: Array<{ id: string, name?: string }>, edges: Array<Record<string, unknown>> } {
  const now = Date.now()
  const edges = api.trust().records.attestations()
    .map(entry => entry.record)
    .filter(att => att.level !== 'none' && att.notAfter >= now && att.notBefore <= now)
    .map(att => ({ from: att.issuer, to: att.subject, level: att.level, scopes: att.scopes, maxDepth: att.maxDepth }))
  const ids = new Set(edges.flatMap(edge => [edge.from, edge.to]))
  ids.add(api.identity.cellId)
  return { nodes: [...ids].map(id => ({ id, name: nameOf(api, id) })), edges }
}

function toDot (data: ReturnType<typeof graph>, self: string): string {
  const label = (id: string, name?: string): string => `${name ?? id.slice(-8)}`
  const lines = ['digraph trust {', '  rankdir=LR;']
  for (const node of data.nodes) {
    lines.push(`  "${node.id}" [label="${label(node.id, node.name)}"${node.id === self ? ', shape=doublecircle' : ''}];`)
  }
  for (const edge of data.edges) {
    lines.push(`  "${String(edge.from)}" -> "${String(edge.to)}" [label="${String(edge.level)}"${edge.level === 'marginal' ? ', style=dashed' : ''}];`)
  }
  lines.push('}')
  return `${lines.join('\n')}\n`
}

export const trustRoutes: RouteModule = (router, api) => {
  router.get('/api/trust', ctx => {
    ctx.body = { cells: trustedCells(api) }
  })

  router.post('/api/trust/attestations', async ctx => {
    const body = parseInput(attestBody, ctx.request.body)
    const subject = resolveOtherCell(api, body.cell)
    const attestation = await api.trust().node.attest({
      subject, level: body.level, scopes: body.scopes, maxDepth: body.maxDepth, notAfter: Date.now() + body.expires
    })
    ctx.status = 201
    ctx.body = { attestation }
  })

  router.post('/api/trust/revoke', async ctx => {
    const body = parseInput(revokeBody, ctx.request.body)
    const subject = resolveOtherCell(api, body.cell)
    ctx.body = { attestation: await api.trust().revoke(subject) }
  })

  router.get('/api/trust/attestations', ctx => {
    const records = api.trust().records
    ctx.body = {
      attestations: records.attestations().map(entry => entry.record),
      // Held but unused: from issuers outside this cell's trust horizon.
      quarantined: records.quarantined().filter(entry => entry.kind === 'attestation').map(entry => entry.record)
    }
  })

  router.get('/api/trust/why/:cell', ctx => {
    const cell = resolveCell(api, parseInput(cellRef, ctx.params.cell, 'cell'))
    const { scope } = parseInput(scopeQuery, ctx.query, 'query')
    const view = api.trust().node.view(scope)
    ctx.body = { cell, name: nameOf(api, cell), scope, trusted: view.has(cell), entry: view.get(cell) ?? null, explanation: view.explain(cell) }
  })

  router.get('/api/trust/graph', ctx => {
    const { format } = parseInput(graphQuery, ctx.query, 'query')
    const data = graph(api)
    if (format === 'dot') {
      ctx.type = 'text/vnd.graphviz'
      ctx.body = toDot(data, api.identity.cellId)
    } else {
      ctx.body = data
    }
  })

  router.get('/api/trust/fingerprint/:cell', ctx => {
    const cell = resolveCell(api, parseInput(cellRef, ctx.params.cell, 'cell'))
    ctx.body = { cell, fingerprint: fingerprint(cell) }
  })

  router.post('/api/trust/verify', async ctx => {
    const body = parseInput(verifyBody, ctx.request.body)
    const cell = resolveCell(api, body.cell)
    const expected = fingerprint(cell)
    if (normaliseFingerprint(body.fingerprint) !== normaliseFingerprint(expected)) {
      throw new InvalidInputError(`Fingerprint mismatch for ${cell}: the cell you compared with is not this one`)
    }
    await api.trust().verifiedCells.add(cell, 'fingerprint')
    api.trust().node.refreshLocalChoices()
    ctx.body = { cell, verified: true }
  })

  router.get('/api/trust/cells', ctx => {
    ctx.body = { cells: api.trust().records.peerRecords() }
  })

  // One cell's signed peer record: from the store, else looked up in the
  // cells' DHT (for a cell id this cell has heard nothing about).
  router.get('/api/trust/cells/:cell', async ctx => {
    const cell = parseInput(z.string().refine(isCellId, 'must be a cell id'), ctx.params.cell, 'cell')
    const record = await api.trust().node.resolve(cell, AbortSignal.timeout(10_000))
    if (record == null) throw new NotFoundError(`No peer record of ${cell} was found, locally or in the DHT`)
    ctx.body = { cell: record }
  })

  router.get('/api/trust/stats', ctx => {
    ctx.body = { ...api.trust().node.stats(), scores: api.trust().node.scores() }
  })

  router.post('/api/trust/invites', async ctx => {
    const body = parseInput(inviteBody, ctx.request.body ?? {})
    ctx.status = 201
    ctx.body = await api.trust().createInvite({ level: body.level, scopes: body.scopes, expiresAt: Date.now() + body.expires })
  })

  router.get('/api/trust/invites', async ctx => {
    ctx.body = { invites: await api.trust().listInvites() }
  })

  router.post('/api/trust/join', async ctx => {
    const body = parseInput(joinBody, ctx.request.body)
    ctx.body = await api.trust().join(body.token)
  })
}
