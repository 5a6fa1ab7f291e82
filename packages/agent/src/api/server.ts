/**
 * The Koa application and its HTTP server. `/health` is public; everything
 * under `/api` needs the bearer token. Bodies are JSON only, size-limited,
 * and parsed strictly (top level must be an object or array).
 */
import { createServer } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { bodyParser } from '@koa/bodyparser'
import Router from '@koa/router'
import Koa from 'koa'
import { CellError } from '../errors.ts'
import { requireToken } from './auth.ts'
import { errorHandler } from './error-handler.ts'
import { coreRoutes, healthRoutes } from './routes/index.ts'
import type { ApiContext, RouteModule } from './context.ts'
import type { Server } from 'node:http'
import type { Server as HttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'

export interface ApiServerInit {
  host: string
  port: number
  bodyLimitBytes: number
  /** Extra route modules (trust, mesh, vault, dns ...) */
  routes?: RouteModule[]
  /** Serve HTTPS with this key and certificate (PEM) */
  tls?: ApiTlsCredentials
}

export interface ApiTlsCredentials {
  key: string
  cert: string
}

export interface ApiServer {
  url: string
  port: number
  /** Swap the TLS key and certificate for new connections (after renewal) */
  setCredentials(tls: ApiTlsCredentials): void
  close(): Promise<void>
}

export function createApiApp (api: ApiContext, init: Pick<ApiServerInit, 'bodyLimitBytes' | 'routes'>): Koa {
  const app = new Koa()
  app.silent = true

  const publicRouter = new Router()
  healthRoutes(publicRouter, api)

  const router = new Router()
  for (const mount of [...coreRoutes, ...(init.routes ?? [])]) {
    mount(router, api)
  }

  app.use(errorHandler(api.log))
  app.use(publicRouter.routes())
  app.use(async (ctx, next) => {
    if (ctx.path === '/api' || ctx.path.startsWith('/api/')) {
      await requireToken(api.identity.apiToken)(ctx, next)
      return
    }
    await next()
  })
  app.use(bodyParser({
    enableTypes: ['json'],
    jsonLimit: init.bodyLimitBytes,
    jsonStrict: true,
    // DELETE may carry a body too (a DNS record by name and type, a revocation reason).
    parsedMethods: ['POST', 'PUT', 'PATCH', 'DELETE'],
    encoding: 'utf-8',
    onError: err => { throw err }
  }))
  app.use(router.routes())
  app.use(router.allowedMethods({ throw: false }))
  return app
}

export async function startApiServer (api: ApiContext, init: ApiServerInit): Promise<ApiServer> {
  const app = createApiApp(api, init)
  const server: Server = init.tls != null
    ? createHttpsServer({ key: init.tls.key, cert: init.tls.cert }, app.callback())
    : createServer(app.callback())
  // Slow or idle clients must not pin sockets forever.
  server.requestTimeout = 60_000
  server.headersTimeout = 20_000
  server.keepAliveTimeout = 5_000

  await new Promise<void>((resolve, reject) => {
    server.once('error', err => {
      const code = (err as NodeJS.ErrnoException).code
      reject(new CellError(code === 'EADDRINUSE'
        ? `API address ${init.host}:${init.port} is already in use; is another cell running? Choose another with --api HOST:PORT`
        : `API cannot listen on ${init.host}:${init.port}: ${err.message}`, 'ERR_API_LISTEN'))
    })
    server.listen(init.port, init.host, () => { resolve() })
  })

  const address = server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return {
    url: `${init.tls != null ? 'https' : 'http'}://${host}:${address.port}`,
    port: address.port,
    setCredentials: tls => {
      if (init.tls == null) throw new CellError('The API serves plain HTTP; it has no TLS context to replace', 'ERR_API_NOT_TLS')
      const secure = server as unknown as HttpsServer
      secure.setSecureContext({ key: tls.key, cert: tls.cert })
    },
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>(resolve => { server.close(() => { resolve() }) })
    }
  }
}
