/**
 * The routes the agent's Koa app really registers, read from the routers
 * that createApiApp mounts. Building the app needs an ApiContext; route
 * modules only touch it inside handlers, and no request is made here, so a
 * stand-in that answers every property access with another stand-in is
 * enough (and survives modules that read it at mount time).
 */
import { createApiApp } from '../../packages/agent/src/api/server.ts'
import type { ApiContext } from '../../packages/agent/src/api/context.ts'
import type Router from '@koa/router'

export interface RegisteredRoute {
  method: string
  /** In OpenAPI form: `/api/trust/why/{cell}` */
  path: string
  /** Reachable without the bearer token (server.ts guards `/api` and `/api/*` only) */
  public: boolean
}

function standIn (): unknown {
  const target = function (): void {}
  return new Proxy(target, {
    get: (_target, key) => (key === Symbol.toPrimitive ? () => 'stand-in' : standIn()),
    apply: () => standIn()
  })
}

/** Koa `:param` (and `:param?`) segments become OpenAPI `{param}`. */
export function toOpenApiPath (path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)\??/g, '{$1}')
}

/** The same test as the auth middleware in server.ts. */
function isGuarded (path: string): boolean {
  return path === '/api' || path.startsWith('/api/')
}

export function registeredRoutes (): RegisteredRoute[] {
  const app = createApiApp(standIn() as ApiContext, { bodyLimitBytes: 1024 })

  // router.routes() returns a dispatch function carrying its router.
  const routers = app.middleware
    .map(middleware => (middleware as { router?: Router }).router)
    .filter((router): router is Router => router != null)

  const routes: RegisteredRoute[] = []
  for (const router of routers) {
    for (const layer of router.stack) {
      if (typeof layer.path !== 'string') {
        throw new Error(`A route is registered with a RegExp path (${String(layer.path)}); openapi.yaml cannot describe it`)
      }
      for (const method of layer.methods) {
        // @koa/router adds HEAD to every GET; OpenAPI leaves it implicit.
        if (method === 'HEAD') continue
        routes.push({ method: method.toLowerCase(), path: toOpenApiPath(layer.path), public: !isGuarded(layer.path) })
      }
    }
  }
  return routes
}
