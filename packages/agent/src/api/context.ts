/**
 * What route handlers may use. Routes depend on this narrow view of the
 * cell rather than on the Cell class, so each route file stands alone.
 */
import type { ServiceBus } from '../bus/service-bus.ts'
import type { ConfigStore } from '../config/config-store.ts'
import type { CellIdentity } from '../identity/identity.ts'
import type { MeshManager } from '../mesh/mesh-manager.ts'
import type { CellLibp2p } from '../p2p/libp2p-node.ts'
import type { DataPaths } from '../paths.ts'
import type { DnsManager } from '../services/dns-manager.ts'
import type { VaultManager } from '../services/vault-manager.ts'
import type { TrustManager } from '../trust/trust-manager.ts'
import type Router from '@koa/router'
import type { Logger } from 'pino'

export interface ApiContext {
  identity: CellIdentity
  config: ConfigStore
  bus: ServiceBus
  paths: DataPaths
  log: Logger
  startedAt: number
  version: string
  /** The libp2p node; throws ServiceNotRunningError unless p2p runs */
  libp2p(): CellLibp2p
  /** The trust manager; throws ServiceNotRunningError unless it runs */
  trust(): TrustManager
  /** The mesh manager; throws ServiceNotRunningError unless it runs */
  mesh(): MeshManager
  /** The vault manager; its `vault` throws VaultLockedError or ServiceNotRunningError unless open */
  vault(): VaultManager
  /** The DNS manager; throws ServiceNotRunningError unless it runs */
  dns(): DnsManager
}

export type RouteModule = (router: Router, api: ApiContext) => void
