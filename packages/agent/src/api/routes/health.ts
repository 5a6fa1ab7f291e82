/** `GET /health`: liveness without auth, for supervisors and the CLI. */
import type { RouteModule } from '../context.ts'

export const healthRoutes: RouteModule = (router, api) => {
  router.get('/health', ctx => {
    const bus = api.bus.status()
    ctx.body = {
      status: bus.failed === 0 ? 'ok' : 'degraded',
      cellId: api.identity.cellId,
      name: api.config.effective.cell.name,
      version: api.version,
      uptimeSeconds: Math.round((Date.now() - api.startedAt) / 1000),
      memory: (({ rss, heapUsed, external }) => ({ rssBytes: rss, heapUsedBytes: heapUsed, externalBytes: external }))(process.memoryUsage()),
      services: bus
    }
  })
}
