/**
 * `/api/services/*`: status and connectivity of every managed service, the
 * service bus, and start/stop/restart of one service.
 */
import { z } from 'zod'
import { parseInput } from '../validate.ts'
import type { RouteModule } from '../context.ts'

export const serviceNameSchema = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be a service name (lowercase letters, digits, hyphens)')

const eventsQuery = z.strictObject({
  type: z.string().max(64).optional(),
  after: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100)
})

const CONNECTIVITY_TIMEOUT = 10_000

export const serviceRoutes: RouteModule = (router, api) => {
  router.get('/api/services/status', ctx => {
    ctx.body = { services: api.bus.list() }
  })

  router.get('/api/services/connectivity', async ctx => {
    const results: Record<string, unknown> = {}
    for (const name of api.bus.names()) {
      const manager = api.bus.get(name)
      if (!api.bus.isRunning(name)) {
        results[name] = { ok: false, checks: [{ name: 'running', ok: false, detail: api.bus.info(name).state }] }
      } else if (manager.testConnectivity == null) {
        results[name] = { ok: true, checks: [{ name: 'running', ok: true }] }
      } else {
        try {
          results[name] = await manager.testConnectivity(AbortSignal.timeout(CONNECTIVITY_TIMEOUT))
        } catch (err) {
          results[name] = { ok: false, checks: [{ name: 'test', ok: false, detail: (err as Error).message }] }
        }
      }
    }
    ctx.body = { services: results }
  })

  router.get('/api/services/bus/status', ctx => {
    ctx.body = { ...api.bus.status(), order: api.bus.names() }
  })

  router.get('/api/services/bus/events', ctx => {
    const query = parseInput(eventsQuery, ctx.query, 'query')
    ctx.body = { events: api.bus.events(query) }
  })

  router.post('/api/services/bus/services/:name/:action', async ctx => {
    const name = parseInput(serviceNameSchema, ctx.params.name, 'name')
    const action = parseInput(z.enum(['start', 'stop', 'restart']), ctx.params.action, 'action')
    const info = action === 'start'
      ? await api.bus.start(name)
      : action === 'stop' ? await api.bus.stop(name) : await api.bus.restart(name)
    ctx.body = { service: info }
  })
}
