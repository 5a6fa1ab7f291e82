/** `/api/config*`: read, update, back up, restore, export and import. */
import { z } from 'zod'
import { parseInput } from '../validate.ts'
import type { RouteModule } from '../context.ts'

const backupBody = z.strictObject({ reason: z.string().max(200).default('manual') })
const backupId = z.string().regex(/^[0-9]{8}T[0-9]{9}Z-[0-9a-f]{6}$/, 'must be a backup id as listed by GET /api/config/backups')

export const configRoutes: RouteModule = (router, api) => {
  router.get('/api/config', ctx => {
    ctx.body = { config: api.config.stored, effective: api.config.effective }
  })

  router.put('/api/config', async ctx => {
    ctx.body = { config: await api.config.update(ctx.request.body) }
  })

  router.post('/api/config/backup', async ctx => {
    const body = parseInput(backupBody, ctx.request.body ?? {})
    ctx.status = 201
    ctx.body = { backup: await api.config.backup(body.reason) }
  })

  router.get('/api/config/backups', async ctx => {
    ctx.body = { backups: await api.config.listBackups() }
  })

  router.post('/api/config/restore/:id', async ctx => {
    const id = parseInput(backupId, ctx.params.id, 'id')
    ctx.body = { config: await api.config.restore(id) }
  })

  router.get('/api/config/export', ctx => {
    ctx.set('Content-Disposition', 'attachment; filename="cell-config.json"')
    ctx.body = api.config.export()
  })

  router.post('/api/config/import', async ctx => {
    ctx.body = { config: await api.config.import(ctx.request.body) }
  })
}
