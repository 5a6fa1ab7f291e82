/**
 * `/api/routing/*`: exit node, split, peer and bridge routes, NAT and
 * firewall rules. Each list lives in the `mesh.routing` config section
 * (so it survives restarts and is backed up), is validated with the mesh
 * package's schemas (a bad field is a 400 naming it), and takes effect
 * through the mesh reconciler as soon as the config changes.
 */
import {
  bridgeRouteSchema, exitNodeSchema, firewallRuleSchema, natRuleSchema, parseRoutingBody, peerRouteSchema, splitRouteSchema
} from '@cell/mesh'
import { z } from 'zod'
import { ConflictError } from '../../errors.ts'
import { searchLogs } from '../../logging/log-reader.ts'
import { pingOnce } from '../../mesh/overlay-ping.ts'
import { addRule, listRules, removeRule, setExitNode } from '../../mesh/routing-store.ts'
import { parseInput } from '../validate.ts'
import { resolveCell } from './trust.ts'
import type { ApiContext, RouteModule } from '../context.ts'
import type { RoutingList } from '../../mesh/routing-store.ts'

const idParam = z.string().regex(/^[0-9a-f]{12}$/, 'must be a rule id (12 hex digits)')
const logQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).default(100) })

/** Path segment, config list and body schema of each rule list. */
const LISTS: Array<{ path: string, list: RoutingList, schema: z.ZodType }> = [
  { path: 'nat', list: 'nat', schema: natRuleSchema },
  { path: 'peers', list: 'peerRoutes', schema: peerRouteSchema },
  { path: 'split', list: 'splitRoutes', schema: splitRouteSchema },
  { path: 'bridge', list: 'bridgeRoutes', schema: bridgeRouteSchema },
  { path: 'firewall', list: 'firewall', schema: firewallRuleSchema }
]

/** The cells the routing configuration sends traffic through. */
function routers (api: ApiContext): string[] {
  const routing = api.config.stored.mesh.routing
  const cells = [
    ...(routing.exitNode != null ? [routing.exitNode] : []),
    ...routing.splitRoutes.map(route => route.via),
    ...routing.peerRoutes.map(route => route.peer)
  ]
  return [...new Set(cells)]
}

export const routingRoutes: RouteModule = (router, api) => {
  router.get('/api/routing/status', ctx => {
    const routing = api.config.stored.mesh.routing
    const { desired } = api.mesh().snapshot()
    ctx.body = {
      exitNode: routing.exitNode,
      forwarding: desired?.forwarding ?? false,
      policyRouting: desired?.policyRouting ?? false,
      routes: desired?.routes ?? [],
      advertisedPrefixes: desired?.advertisedPrefixes ?? [],
      rulesetDigest: desired?.rulesetDigest ?? null,
      counts: Object.fromEntries(LISTS.map(({ list }) => [list, routing[list].length])),
      // Routes through cells not (or no longer) trusted to route, and the like.
      warnings: (desired?.warnings ?? []).filter(warning => warning.prefix != null)
    }
  })

  for (const { path, list, schema } of LISTS) {
    router.get(`/api/routing/${path}`, ctx => {
      ctx.body = { [path]: listRules(api.config, list) }
    })

    router.post(`/api/routing/${path}`, async ctx => {
      const rule = parseRoutingBody(schema, ctx.request.body)
      const { id } = await addRule(api.config, list, rule as never)
      ctx.status = 201
      ctx.body = { id, rule }
    })

    router.delete(`/api/routing/${path}/:id`, async ctx => {
      const id = parseInput(idParam, ctx.params.id, 'id')
      await removeRule(api.config, list, id)
      ctx.body = { removed: id }
    })
  }

  router.get('/api/routing/exit-nodes', ctx => {
    ctx.body = { peer: api.config.stored.mesh.routing.exitNode }
  })

  router.post('/api/routing/exit-nodes', async ctx => {
    const body = parseRoutingBody(exitNodeSchema, ctx.request.body)
    const peer = body.peer == null ? null : resolveCell(api, body.peer)
    if (peer != null && !api.trust().node.view('route').has(peer)) {
      throw new ConflictError(`Cell ${peer} is not trusted for scope "route"; only such cells can be exit nodes`)
    }
    await setExitNode(api.config, peer)
    ctx.body = { peer }
  })

  router.post('/api/routing/connectivity', async ctx => {
    const inputs = new Map(api.mesh().snapshot().inputs.map(input => [input.cellId, input]))
    const signal = AbortSignal.timeout(10_000)
    const checks = await Promise.all(routers(api).map(async cellId => {
      const input = inputs.get(cellId)
      if (input == null) return { cell: cellId, ok: false, detail: 'not a mesh peer (not trusted or no peer record)' }
      const ping = await pingOnce(input.overlay.ipv4, signal)
      return { cell: cellId, ok: ping.ok, rttMs: ping.rttMs, detail: ping.detail }
    }))
    ctx.body = { ok: checks.every(check => check.ok), checks }
  })

  router.get('/api/routing/logs', async ctx => {
    const { limit } = parseInput(logQuery, ctx.query, 'query')
    ctx.body = { entries: await searchLogs(api.paths.logs, { component: 'mesh', limit }) }
  })
}
