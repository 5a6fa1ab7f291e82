/** The route modules of the core API, in mount order. */
import { configRoutes } from './config.ts'
import { dnsRoutes } from './dns.ts'
import { healthRoutes } from './health.ts'
import { identityRoutes } from './identity.ts'
import { logRoutes } from './logs.ts'
import { networkRoutes } from './network.ts'
import { peerRoutes } from './peers.ts'
import { routingRoutes } from './routing.ts'
import { serviceRoutes } from './services.ts'
import { trustRoutes } from './trust.ts'
import { trustBlockRoutes } from './trust-blocks.ts'
import { vaultRoutes } from './vault.ts'
import { vaultTrustRoutes } from './vault-trust.ts'
import { wireguardRoutes } from './wireguard.ts'
import type { RouteModule } from '../context.ts'

export const coreRoutes: RouteModule[] = [
  identityRoutes,
  peerRoutes,
  serviceRoutes,
  configRoutes,
  logRoutes,
  trustRoutes,
  trustBlockRoutes,
  wireguardRoutes,
  routingRoutes,
  vaultTrustRoutes,
  vaultRoutes,
  dnsRoutes,
  networkRoutes
]

export { healthRoutes }
