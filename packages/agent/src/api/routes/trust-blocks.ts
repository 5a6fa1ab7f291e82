/**
 * `/api/trust/blocked`: cells this cell refuses whoever vouches for them.
 * A block stays local (never gossiped) and takes effect at once: the cell
 * leaves every trust view, and with them the mesh, DNS and services.
 */
import { z } from 'zod'
import { NotFoundError } from '../../errors.ts'
import { parseInput } from '../validate.ts'
import { cellRef, resolveOtherCell } from './trust.ts'
import type { RouteModule } from '../context.ts'

const blockBody = z.strictObject({
  cell: cellRef,
  note: z.string().max(500).optional()
})

export const trustBlockRoutes: RouteModule = (router, api) => {
  router.get('/api/trust/blocked', ctx => {
    const records = api.trust().records
    ctx.body = { cells: api.trust().blockedCells.list().map(entry => ({ ...entry, name: records.peerRecord(entry.cellId)?.name })) }
  })

  router.post('/api/trust/blocked', async ctx => {
    const body = parseInput(blockBody, ctx.request.body)
    const cell = resolveOtherCell(api, body.cell)
    ctx.status = 201
    ctx.body = { blocked: await api.trust().block(cell, body.note) }
  })

  router.delete('/api/trust/blocked/:cell', async ctx => {
    const cell = resolveOtherCell(api, parseInput(cellRef, ctx.params.cell, 'cell'))
    if (!await api.trust().unblock(cell)) throw new NotFoundError(`${cell} is not blocked`)
    ctx.body = { cell, blocked: false }
  })
}
