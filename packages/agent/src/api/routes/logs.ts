/** `/api/logs/*`: the agent's own log files, searched and counted. */
import { z } from 'zod'
import { logStatistics, searchLogs } from '../../logging/log-reader.ts'
import { parseInput } from '../validate.ts'
import { serviceNameSchema } from './services.ts'
import type { RouteModule } from '../context.ts'

const level = z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal'])

const serviceLogQuery = z.strictObject({
  level: level.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100)
})

const searchBody = z.strictObject({
  component: z.string().max(64).optional(),
  level: level.optional(),
  text: z.string().max(256).optional(),
  since: z.iso.datetime().optional(),
  limit: z.number().int().min(1).max(1000).default(100)
})

export const logRoutes: RouteModule = (router, api) => {
  router.get('/api/logs/services/:name', async ctx => {
    const name = parseInput(serviceNameSchema, ctx.params.name, 'name')
    api.bus.get(name)
    const query = parseInput(serviceLogQuery, ctx.query, 'query')
    ctx.body = { entries: await searchLogs(api.paths.logs, { component: name, ...query }) }
  })

  router.post('/api/logs/search', async ctx => {
    const body = parseInput(searchBody, ctx.request.body ?? {})
    ctx.body = { entries: await searchLogs(api.paths.logs, body) }
  })

  router.get('/api/logs/statistics', async ctx => {
    ctx.body = await logStatistics(api.paths.logs)
  })
}
