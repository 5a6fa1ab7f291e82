/**
 * `/api/identity`: who this cell is, and retiring its key. Secrets never
 * leave through here.
 */
import { isCellId } from '@cell/trust'
import { z } from 'zod'
import { ConflictError, InvalidInputError } from '../../errors.ts'
import { parseInput } from '../validate.ts'
import type { RouteModule } from '../context.ts'

const retireBody = z.strictObject({
  kind: z.enum(['rotated', 'compromised']),
  successor: z.string().refine(isCellId, 'must be a cell id').optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  // Retiring cannot be undone: the caller must say so.
  confirm: z.literal(true, { error: 'must be true: retiring a key cannot be undone' })
})

export const identityRoutes: RouteModule = (router, api) => {
  router.get('/api/identity', ctx => {
    const running = api.bus.isRunning('p2p')
    const notice = api.bus.isRunning('trust') ? api.trust().records.keyNotice(api.identity.cellId) : undefined
    ctx.body = {
      cellId: api.identity.cellId,
      name: api.config.effective.cell.name,
      wireguardPublicKey: api.identity.wireguard.publicKey,
      multiaddrs: running ? api.libp2p().getMultiaddrs().map(addr => addr.toString()) : [],
      dataDir: api.paths.root,
      version: api.version,
      retired: notice == null ? null : { kind: notice.kind, successor: notice.successor ?? null, effectiveAt: new Date(notice.effectiveAt).toISOString() }
    }
  })

  // Announce, signed with this cell's key, that the key is rotated (to the
  // successor, a new cell the owner runs) or compromised. Others then stop
  // counting what it signs from `since` on; this cell can sign nothing new.
  router.post('/api/identity/retire', async ctx => {
    const body = parseInput(retireBody, ctx.request.body)
    const now = Date.now()
    const self = api.identity.cellId
    if (body.kind === 'rotated' && body.successor == null) throw new InvalidInputError('Invalid body.successor: a rotation must name the new cell id')
    if (body.successor === self) throw new InvalidInputError('Invalid body.successor: that is this cell itself')
    if (body.kind === 'rotated' && body.since != null) throw new InvalidInputError('Invalid body.since: only a compromise can be dated back')
    const effectiveAt = body.since == null ? now : Date.parse(body.since)
    if (effectiveAt > now) throw new InvalidInputError('Invalid body.since: must not be in the future')
    if (api.trust().records.keyNotice(self)?.kind === 'compromised') throw new ConflictError('This cell\'s key is already declared compromised')

    const notice = await api.trust().node.retireKey({ kind: body.kind, successor: body.successor, effectiveAt })
    ctx.status = 201
    ctx.body = { notice: { ...notice, effectiveAt: new Date(notice.effectiveAt).toISOString() } }
  })
}
