/**
 * A cell: identity, config, database, logger, the service bus with its
 * managers, and the API, started and stopped as one unit.
 */
import { mkdir, rm } from 'node:fs/promises'
import { cellPublicKeyRaw, deriveOverlayAddresses } from '@cell/trust'
import { readFileSync } from 'node:fs'
import { startApiServer } from './api/server.ts'
import { ServiceBus } from './bus/service-bus.ts'
import { ConfigStore } from './config/config-store.ts'
import { ServiceNotRunningError } from './errors.ts'
import { loadOrCreateIdentity } from './identity/identity.ts'
import { componentLogger, createAgentLogger } from './logging/logger.ts'
import { MeshManager } from './mesh/mesh-manager.ts'
import { P2PManager } from './p2p/p2p-manager.ts'
import { API_CREDENTIAL, apiTlsCredentials } from './services/api-tls.ts'
import { CaExchangeManager } from './services/ca-exchange.ts'
import { DnsManager } from './services/dns-manager.ts'
import { VaultManager } from './services/vault-manager.ts'
import { dhtPeerRecordOptions } from './trust/dht-records.ts'
import { trustGossipOptions } from './trust/gossip-options.ts'
import { TrustManager } from './trust/trust-manager.ts'
import { dataPaths } from './paths.ts'
import { checkDataFormat } from './storage/data-format.ts'
import { openDatabase } from './storage/database.ts'
import { writeFileAtomic } from './util/atomic-file.ts'
import type { ApiContext } from './api/context.ts'
import type { ApiServer } from './api/server.ts'
import type { JsonObject } from './config/merge.ts'
import type { CellConfig } from './config/schema.ts'
import type { CellIdentity } from './identity/identity.ts'
import type { AgentLogger } from './logging/logger.ts'
import type { CellLibp2p } from './p2p/libp2p-node.ts'
import type { DataPaths } from './paths.ts'
import type { PeerRecordContent } from './trust/trust-node.ts'
import type { CellDatabase } from './storage/database.ts'
import type { Logger } from 'pino'

export interface CellInit {
  /** Absolute data directory */
  dataDir: string
  /** Run-only config overrides (from command-line flags); never persisted */
  overrides?: JsonObject
  /** Mirror logs to stdout (default: config `logging.stdout`) */
  stdout?: boolean
}

export const VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version

export class Cell {
  readonly paths: DataPaths
  readonly identity: CellIdentity
  readonly config: ConfigStore
  readonly db: CellDatabase
  readonly bus: ServiceBus
  readonly log: Logger
  private readonly logger: AgentLogger
  private readonly p2p: P2PManager
  readonly trust: TrustManager
  readonly mesh: MeshManager
  readonly vault: VaultManager
  readonly dns: DnsManager
  private api?: ApiServer
  private readonly startedAt = Date.now()

  private constructor (parts: { paths: DataPaths, identity: CellIdentity, config: ConfigStore, db: CellDatabase, logger: AgentLogger }) {
    this.paths = parts.paths
    this.identity = parts.identity
    this.config = parts.config
    this.db = parts.db
    this.logger = parts.logger
    this.log = parts.logger.root
    this.bus = new ServiceBus(componentLogger(this.log, 'bus'))

    this.p2p = new P2PManager({
      log: componentLogger(this.log, 'p2p'),
      bus: this.bus,
      nodeInit: () => {
        const p2p = this.config.effective.p2p
        return {
          privateKey: this.identity.privateKey,
          datastore: this.db.datastore,
          listen: p2p.listen,
          announce: p2p.announce,
          bootstrap: p2p.bootstrap,
          mdns: p2p.mdns,
          maxConnections: p2p.maxConnections,
          dht: { ...dhtPeerRecordOptions(), clientMode: p2p.dhtMode === 'client' },
          gossipsub: trustGossipOptions(peerId => this.bus.isRunning('trust') ? this.trust.node.appScore(peerId) : 0),
          refuses: peerId => this.bus.isRunning('trust') && this.trust.blockedCells.has(peerId)
        }
      }
    })
    this.bus.register(this.p2p)

    this.trust = new TrustManager({
      selfId: this.identity.cellId,
      privateKey: this.identity.privateKey,
      libp2p: () => this.libp2p,
      sublevel: name => this.db.sublevel(name),
      bus: this.bus,
      log: componentLogger(this.log, 'trust'),
      settings: () => this.config.effective.trust,
      peerRecordContent: () => this.peerRecordContent()
    })
    this.bus.register(this.trust)

    this.mesh = new MeshManager({
      overlay: deriveOverlayAddresses(cellPublicKeyRaw(this.identity.cellId) as Uint8Array),
      identity: this.identity,
      paths: this.paths,
      settings: () => this.config.effective.mesh,
      p2pListen: () => this.config.effective.p2p.listen,
      trust: () => this.bus.isRunning('trust') ? this.trust : undefined,
      libp2p: () => this.p2p.libp2p,
      bus: this.bus,
      log: componentLogger(this.log, 'mesh'),
      libraryLog: this.log
    })
    this.bus.register(this.mesh)

    this.vault = new VaultManager({
      dir: this.paths.vault,
      name: () => this.config.effective.cell.name,
      settings: () => this.config.effective.vault,
      log: componentLogger(this.log, 'vault'),
      libraryLog: this.log
    })
    this.bus.register(this.vault)

    this.bus.register(new CaExchangeManager({
      vault: () => this.vault.vault,
      trust: () => this.trust,
      libp2p: () => this.libp2p,
      bus: this.bus,
      log: componentLogger(this.log, 'ca-exchange')
    }))

    this.dns = new DnsManager({
      selfId: this.identity.cellId,
      selfName: () => this.config.effective.cell.name,
      settings: () => this.config.effective.dns,
      trust: () => this.bus.isRunning('trust') ? this.trust : undefined,
      sublevel: name => this.db.sublevel(name),
      bus: this.bus,
      log: componentLogger(this.log, 'dns'),
      libraryLog: this.log
    })
    this.bus.register(this.dns)

    this.config.on('change', ({ previous, current }) => {
      const sections = (Object.keys(current) as Array<keyof CellConfig>)
        .filter(key => JSON.stringify(previous[key]) !== JSON.stringify(current[key]))
      this.bus.publish('config:changed', { sections })
    })
  }

  /** Load (or create on first start) everything in the data directory. */
  static async open (init: CellInit): Promise<Cell> {
    const paths = dataPaths(init.dataDir)
    await mkdir(paths.root, { recursive: true, mode: 0o700 })
    await checkDataFormat(paths.format, VERSION)

    const config = new ConfigStore(paths.config, paths.backups)
    await config.load()
    config.setOverrides(init.overrides ?? {})

    const logging = config.effective.logging
    const logger = await createAgentLogger({
      dir: paths.logs,
      level: logging.level,
      stdout: init.stdout ?? logging.stdout,
      maxFileBytes: logging.maxFileBytes,
      maxFiles: logging.maxFiles
    })

    try {
      const identity = await loadOrCreateIdentity(paths)
      const db = await openDatabase(paths.database)
      return new Cell({ paths, identity, config, db, logger })
    } catch (err) {
      logger.root.error({ err }, 'cannot open cell: %s', (err as Error).message)
      await logger.close()
      throw err
    }
  }

  get cellId (): string {
    return this.identity.cellId
  }

  get libp2p (): CellLibp2p {
    const node = this.p2p.libp2p
    if (node == null) throw new ServiceNotRunningError('p2p')
    return node
  }

  get apiUrl (): string | undefined {
    return this.api?.url
  }

  /** Start every service, then the API; returns once `/health` answers. */
  async start (): Promise<void> {
    this.log.info({ cellId: this.cellId, dataDir: this.paths.root, code: process.env.CELL_AGENT_ENTRY ?? 'library' }, 'cell starting')
    await this.bus.startAll()

    const apiConfig = this.config.effective.api
    const api = await startApiServer(this.apiContext(), {
      host: apiConfig.host,
      port: apiConfig.port,
      bodyLimitBytes: apiConfig.bodyLimitBytes,
      tls: apiConfig.tls ? await apiTlsCredentials(this.vault, apiConfig.host) : undefined
    })
    this.api = api
    if (apiConfig.tls) {
      this.vault.onRenewed(({ current }) => {
        if (current.credential === API_CREDENTIAL) api.setCredentials({ key: current.keyPem, cert: current.certPem })
      })
    }
    await writeFileAtomic(this.paths.apiEndpoint, `${JSON.stringify({ url: this.api.url, pid: process.pid })}\n`)
    this.log.info({ url: this.api.url }, 'API listening on %s', this.api.url)
  }

  /** Stop the API, then the services in reverse order, then storage. */
  async stop (): Promise<void> {
    this.log.info('cell stopping')
    if (this.api != null) {
      await this.api.close()
      await rm(this.paths.apiEndpoint, { force: true })
    }
    await this.bus.stopAll()
    await this.db.close()
    this.log.info('cell stopped')
    await this.logger.close()
  }

  /** What this cell announces about itself in its signed peer record. */
  private peerRecordContent (): PeerRecordContent {
    const publicKey = cellPublicKeyRaw(this.cellId) as Uint8Array
    const mesh = this.mesh.recordContent()
    return {
      name: this.config.effective.cell.name,
      multiaddrs: this.libp2p.getMultiaddrs().map(address => address.toString()).slice(0, 16),
      wgPublicKey: this.identity.wireguard.publicKey,
      wgEndpoints: mesh.wgEndpoints,
      overlay: deriveOverlayAddresses(publicKey),
      services: this.bus.names().filter(name => this.bus.isRunning(name)),
      advertisedPrefixes: mesh.advertisedPrefixes
    }
  }

  private apiContext (): ApiContext {
    return {
      identity: this.identity,
      config: this.config,
      bus: this.bus,
      paths: this.paths,
      log: componentLogger(this.log, 'api'),
      startedAt: this.startedAt,
      version: VERSION,
      libp2p: () => this.libp2p,
      trust: () => this.bus.running<TrustManager>('trust'),
      mesh: () => this.bus.running<MeshManager>('mesh'),
      vault: () => this.vault,
      dns: () => this.bus.running<DnsManager>('dns')
    }
  }
}
