/**
 * The `trust` service: opens the record store, runs the trust engine and
 * the TrustNode on the cell's libp2p node, answers invites, and tells the
 * rest of the cell (mesh, DNS, services) when trust changes.
 */
import { TrustEngine, TrustStore, createInvite } from '@cell/trust'
import { peerIdFromString } from '@libp2p/peer-id'
import { ConflictError } from '../errors.ts'
import { InviteLedger } from './invite-ledger.ts'
import { handleInviteStreams, redeemInvite } from './invite-protocol.ts'
import { INVITE_PROTOCOL } from './constants.ts'
import { TrustNode } from './trust-node.ts'
import { VerifiedSet } from './verified-set.ts'
import { BlockedSet } from './blocked-set.ts'
import { RotationFollower } from './rotation-follower.ts'
import type { BlockedCell } from './blocked-set.ts'
import type { JoinResult } from './invite-protocol.ts'
import type { PeerRecordContent } from './trust-node.ts'
import type { ServiceBus } from '../bus/service-bus.ts'
import type { ServiceManager } from '../bus/manager.ts'
import type { CellLibp2p } from '../p2p/libp2p-node.ts'
import type { Sublevel } from '../storage/database.ts'
import type { Attestation, Scope } from '@cell/trust'
import type { PrivateKey } from '@libp2p/interface'
import type { Logger } from 'pino'

export interface TrustManagerInit {
  selfId: string
  privateKey: PrivateKey
  libp2p(): CellLibp2p
  sublevel(name: string): Sublevel
  bus: ServiceBus
  log: Logger
  peerRecordContent(): PeerRecordContent
  settings(): { syncIntervalSeconds: number, quarantineCapacity: number, followRotations: boolean }
}

export interface InviteRequest {
  level: 'full' | 'marginal'
  scopes: Scope[]
  expiresAt: number
}

/** Debounce of `trust:changed` events on the bus. */
const CHANGE_DEBOUNCE = 25

export class TrustManager implements ServiceManager {
  readonly name = 'trust'
  readonly dependencies = ['p2p'] as const
  private readonly init: TrustManagerInit
  private store?: TrustStore
  private trustNode?: TrustNode
  private ledger?: InviteLedger
  private verified?: VerifiedSet
  private blocked?: BlockedSet
  private follower?: RotationFollower
  private changeTimer?: NodeJS.Timeout
  private lastReason = ''

  constructor (init: TrustManagerInit) {
    this.init = init
  }

  /** The running TrustNode; the manager must be running. */
  get node (): TrustNode {
    if (this.trustNode == null) throw new Error('trust is not running')
    return this.trustNode
  }

  get records (): TrustStore {
    if (this.store == null) throw new Error('trust is not running')
    return this.store
  }

  get verifiedCells (): VerifiedSet {
    if (this.verified == null) throw new Error('trust is not running')
    return this.verified
  }

  get blockedCells (): BlockedSet {
    if (this.blocked == null) throw new Error('trust is not running')
    return this.blocked
  }

  async start (): Promise<void> {
    const settings = this.init.settings()
    const store = new TrustStore({
      db: this.init.sublevel('trust'),
      selfId: this.init.selfId,
      quarantineCapacity: settings.quarantineCapacity,
      log: this.init.log
    })
    await store.open()
    this.store = store

    this.verified = new VerifiedSet(this.init.sublevel('trust-verified'))
    await this.verified.load()
    this.blocked = new BlockedSet(this.init.sublevel('trust-blocked'))
    await this.blocked.load()
    this.ledger = new InviteLedger(this.init.sublevel('trust-invites'))

    const engine = new TrustEngine({ selfId: this.init.selfId, log: this.init.log })
    const node = new TrustNode({
      libp2p: this.init.libp2p(),
      privateKey: this.init.privateKey,
      store,
      engine,
      verified: this.verified,
      blocked: this.blocked,
      log: this.init.log,
      peerRecordContent: this.init.peerRecordContent,
      syncInterval: settings.syncIntervalSeconds * 1000
    })
    node.on('change', ({ reason }) => { this.announceChange(reason) })
    this.trustNode = node
    await node.start()
    await handleInviteStreams(this.protocolInit())
    await this.followRotations(node, store)
  }

  /** Attest the new keys of attested cells that rotate theirs, if the config allows (rotation-follower.ts). */
  private async followRotations (node: TrustNode, store: TrustStore): Promise<void> {
    if (!this.init.settings().followRotations) return
    const follower = new RotationFollower({ selfId: this.init.selfId, store, node, db: this.init.sublevel('trust-followed'), log: this.init.log })
    await follower.load()
    this.follower = follower
    node.on('change', ({ reason }) => {
      // A rotation notice, or this cell attesting a cell whose key has rotated already.
      if (reason.startsWith('key-notice') || reason === `attestation from ${this.init.selfId}`) void follower.reconcile().catch(() => {})
    })
    await follower.reconcile()
  }

  async stop (): Promise<void> {
    clearTimeout(this.changeTimer)
    const node = this.trustNode
    this.trustNode = undefined
    if (node != null) {
      await node.libp2p.unhandle(INVITE_PROTOCOL).catch(() => {})
      await node.stop().catch(() => {})
    }
    await this.store?.close()
    this.store = undefined
    this.follower = undefined
  }

  status (): Record<string, unknown> {
    if (this.trustNode == null || this.store == null) return {}
    const mesh = this.trustNode.view('mesh')
    return {
      trustedForMesh: mesh.entries.size,
      knownCells: this.store.peerRecords().length,
      attestations: this.store.attestations().length,
      verified: this.verified?.values().length ?? 0,
      blocked: this.blocked?.ids().length ?? 0,
      followedRotations: this.follower?.follows().size ?? 0
    }
  }

  /** Create a one-time invite token signed by this cell. */
  async createInvite (request: InviteRequest): Promise<{ token: string, id: string, expiresAt: number }> {
    this.assertKeyInService('create an invite')
    const now = Date.now()
    // A token carries at most 16 addresses (MAX_MULTIADDRS in @cell/trust).
    const multiaddrs = this.init.libp2p().getMultiaddrs().map(address => address.toString()).slice(0, 16)
    const created = createInvite({
      privateKey: this.init.privateKey,
      inviterId: this.init.selfId,
      multiaddrs,
      level: request.level,
      scopes: request.scopes,
      expiresAt: request.expiresAt,
      now
    })
    await this.ledger?.add({
      id: created.id,
      secret: Buffer.from(created.secret).toString('hex'),
      level: request.level,
      scopes: request.scopes,
      expiresAt: request.expiresAt,
      createdAt: now
    })
    return { token: created.token, id: created.id, expiresAt: request.expiresAt }
  }

  /**
   * Withdraw this cell's trust in a cell: a revocation attestation, and the
   * end of its verified status, which would otherwise keep it trusted.
   */
  async revoke (subject: string): Promise<Attestation> {
    const attestation = await this.node.revoke(subject)
    if (await this.verifiedCells.delete(subject)) {
      this.node.refreshLocalChoices()
    }
    return attestation
  }

  /** Refuse a cell whoever vouches for it, until unblocked (see blocked-set.ts). */
  async block (cellId: string, note?: string): Promise<BlockedCell> {
    const entry = await this.blockedCells.add(cellId, note)
    this.node.refreshLocalChoices()
    // libp2p refuses new connections with it from now on (p2p/libp2p-node.ts); end the open ones.
    await this.init.libp2p().hangUp(peerIdFromString(cellId)).catch(() => {})
    return entry
  }

  /** Lift a block; false if the cell was not blocked. */
  async unblock (cellId: string): Promise<boolean> {
    if (!await this.blockedCells.delete(cellId)) return false
    this.node.refreshLocalChoices()
    return true
  }

  async join (token: string): Promise<JoinResult> {
    this.assertKeyInService('join through an invite')
    return redeemInvite(this.protocolInit(), token)
  }

  async listInvites (): Promise<Array<Record<string, unknown>>> {
    const invites = await this.ledger?.list() ?? []
    // Never hand the secrets out; they are what makes a token redeemable.
    return invites.map(({ secret: _secret, ...rest }) => rest)
  }

  /**
   * Refuse work that needs this cell to sign once its key is retired: an
   * invite would hand out a token that can only fail halfway.
   */
  private assertKeyInService (action: string): void {
    const notice = this.records.keyNotice(this.init.selfId)
    if (notice == null) return
    const successor = notice.successor != null ? `; use the successor cell ${notice.successor}` : ''
    throw new ConflictError(`Cannot ${action}: this cell's key is retired (${notice.kind})${successor}`)
  }

  private protocolInit (): Parameters<typeof handleInviteStreams>[0] {
    return {
      node: this.node,
      ledger: this.ledger as InviteLedger,
      verified: this.verified as VerifiedSet,
      log: this.init.log,
      now: Date.now,
      onVerified: () => { this.engineVerifiedChanged() }
    }
  }

  private engineVerifiedChanged (): void {
    this.trustNode?.refreshLocalChoices()
  }

  private announceChange (reason: string): void {
    this.lastReason = reason
    if (this.changeTimer != null) return
    this.changeTimer = setTimeout(() => {
      this.changeTimer = undefined
      this.init.bus.publish('trust:changed', { reason: this.lastReason })
    }, CHANGE_DEBOUNCE)
  }
}
