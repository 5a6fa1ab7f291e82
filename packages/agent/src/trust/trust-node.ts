/**
 * The trust layer of one cell on the network: it gossips signed records,
 * checks every incoming one before it is stored or relayed, reconciles
 * with each newly connected cell, publishes this cell's peer record in
 * gossip and the DHT, and keeps the trust engine in step with the store.
 *
 * It needs only a libp2p node and the pure trust parts, so the agent and
 * the simulation harness run the same code.
 */
import { EventEmitter } from 'node:events'
import { TrustError, nextSeq, sealRecord } from '@cell/trust'
import {
  ATTESTATION_TOPIC, DEFAULT_ATTESTATION_LIFETIME, REDIAL_PER_ROUND, DEFAULT_MAX_DEPTH, DIRECT_TRUST_SCORE_BONUS, PEER_RECORD_LIFETIME,
  PEER_RECORD_TOPIC, SYNC_INTERVAL, SYNC_MAX_ROUNDS, SYNC_PROTOCOL, SYNC_TIMEOUT, TRUST_TOPICS
} from './constants.ts'
import { DhtPeerRecordPublisher, resolvePeerRecord } from './dht-peer-records.ts'
import { watchGossipStreams } from './gossip-streams.ts'
import { GossipValidator } from './gossip-validator.ts'
import { syncAsInitiator, syncAsResponder } from './sync-protocol.ts'
import { TrustedConnections } from './trusted-connections.ts'
import { CatchUpSync } from './catch-up-sync.ts'
import { renewalDelay, stillCurrent } from './peer-record-renewal.ts'
import { SyncedForwarder } from './synced-forwarder.ts'
import type { SyncResult } from './sync-protocol.ts'
import type { BlockedSet } from './blocked-set.ts'
import type { VerifiedSet } from './verified-set.ts'
import type { CellLibp2p } from '../p2p/libp2p-node.ts'
import type {
  Attestation, IngestResult, KeyNotice, OpenedRecord, PeerRecord, Scope, TrustEngine, TrustStore, TrustView
} from '@cell/trust'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import type { Logger } from 'pino'

/** What this cell says about itself in its peer record, besides identity. */
export type PeerRecordContent = Omit<PeerRecord, 'cellId' | 'seq' | 'issuedAt' | 'notAfter'>

export interface TrustNodeInit {
  libp2p: CellLibp2p
  privateKey: PrivateKey
  store: TrustStore
  engine: TrustEngine
  verified: VerifiedSet
  /** Cells the owner refuses whoever vouches for them (default none) */
  blocked?: Pick<BlockedSet, 'ids'>
  log: Logger
  /** What goes in this cell's peer record; called on every re-issue */
  peerRecordContent(): PeerRecordContent
  /** Clock, injectable for simulations */
  now?(): number
  /** Periodic sync interval (default 30 s; 0 turns it off) */
  syncInterval?: number
}

export interface AttestOptions {
  subject: string
  level: 'full' | 'marginal' | 'none'
  scopes: Scope[]
  maxDepth?: number
  notAfter?: number
}

export interface TrustNodeEvents {
  change: [{ reason: string }]
  synced: [{ peer: string } & SyncResult]
}

export type { GossipCounters } from './gossip-validator.ts'

export class TrustNode extends EventEmitter<TrustNodeEvents> {
  readonly selfId: string
  private readonly init: TrustNodeInit
  private readonly now: () => number
  private readonly validator: GossipValidator
  private syncTimer?: NodeJS.Timeout
  private horizonTimer?: NodeJS.Timeout
  private renewalTimer?: NodeJS.Timeout
  private streamTimer?: NodeJS.Timeout
  private readonly syncing = new Set<string>()
  private started = false
  /** The highest seq this node has handed out, stored or not yet */
  private lastOwnSeq = 0
  private readonly dhtPublisher: DhtPeerRecordPublisher
  private readonly trustedConnections: TrustedConnections
  private readonly catchUp: CatchUpSync
  private readonly forwarder: SyncedForwarder
  private readonly onConnect = (event: CustomEvent<PeerId>): void => {
    // Only the side with the lower id initiates, so one connection costs
    // one sync session rather than two.
    if (this.selfId < event.detail.toString()) void this.syncWith(event.detail).catch(() => {})
  }

  constructor (init: TrustNodeInit) {
    super()
    this.init = init
    this.now = init.now ?? Date.now
    this.selfId = init.libp2p.peerId.toString()
    this.dhtPublisher = new DhtPeerRecordPublisher(init.libp2p, init.log)
    this.trustedConnections = new TrustedConnections(init.libp2p, init.log, id => init.store.peerRecord(id)?.multiaddrs ?? [])
    this.catchUp = new CatchUpSync({
      libp2p: init.libp2p, store: init.store, log: init.log, directlyTrusted: () => this.directlyTrusted(), syncWith: async peer => this.syncWith(peer),
      dial: async id => this.trustedConnections.dialAtRecordedAddresses(id)
    })
    this.forwarder = new SyncedForwarder({ libp2p: init.libp2p, log: init.log, now: this.now })
    this.validator = new GossipValidator({ store: init.store, log: init.log, now: this.now, onAccepted: record => { this.apply(record) } })
  }

  get libp2p (): CellLibp2p {
    return this.init.libp2p
  }

  async start (): Promise<void> {
    const { libp2p, store, engine } = this.init
    this.refreshLocalChoices()
    this.started = true
    for (const record of store.attestations()) engine.upsert(record.record)
    for (const notice of store.keyNotices()) engine.applyKeyNotice(notice)
    await this.updateHorizon()

    const pubsub = libp2p.services.pubsub
    for (const topic of TRUST_TOPICS) {
      pubsub.topicValidators.set(topic, async (peer, message) => this.validator.validate(topic, peer, message) as any)
      pubsub.subscribe(topic)
    }

    await libp2p.handle(SYNC_PROTOCOL, async (stream, connection) => {
      const signal = AbortSignal.timeout(SYNC_TIMEOUT)
      try {
        const result = await syncAsResponder(stream, store, async envelope => { await this.ingestSynced(envelope) }, signal)
        await this.updateHorizon()
        this.emit('synced', { peer: connection.remotePeer.toString(), ...result })
      } catch (err) {
        this.init.log.debug({ err, peer: connection.remotePeer.toString() }, 'sync (responder) failed')
        stream.abort(err as Error)
      }
    }, { runOnLimitedConnection: false })

    libp2p.addEventListener('peer:connect', this.onConnect)
    await this.dhtPublisher.start()
    const interval = this.init.syncInterval ?? SYNC_INTERVAL
    if (interval > 0) {
      this.syncTimer = setInterval(() => {
        void this.trustedConnections.redialMissing(REDIAL_PER_ROUND).catch(() => {})
        void this.syncWithRandomPeer()
      }, interval)
      this.syncTimer.unref()
    }

    this.streamTimer = watchGossipStreams(libp2p, this.init.log)

    // A retired key signs nothing new, so its cell does not re-issue a record that changed.
    if (store.keyNotice(this.selfId) == null) await this.publishPeerRecord({ unlessCurrent: true })
    // Peers that connected before the sync handler existed could not sync
    // with this cell, whichever id is lower; ask each of them now.
    for (const peer of libp2p.getPeers()) void this.syncWith(peer).catch(() => {})
  }

  async stop (): Promise<void> {
    this.started = false
    clearInterval(this.syncTimer)
    clearTimeout(this.horizonTimer)
    clearTimeout(this.renewalTimer)
    clearInterval(this.streamTimer)
    this.dhtPublisher.stop()
    this.catchUp.stop()
    const { libp2p } = this.init
    libp2p.removeEventListener('peer:connect', this.onConnect)
    for (const topic of TRUST_TOPICS) {
      libp2p.services.pubsub.unsubscribe(topic)
      libp2p.services.pubsub.topicValidators.delete(topic)
    }
    await libp2p.unhandle(SYNC_PROTOCOL)
  }

  /** The current trust view for one scope. */
  view (scope: Scope): TrustView {
    return this.init.engine.view(scope, this.now())
  }

  /** Sign, store and gossip an attestation from this cell. */
  async attest (options: AttestOptions): Promise<Attestation> {
    const now = this.now()
    const attestation: Attestation = {
      issuer: this.selfId,
      subject: options.subject,
      level: options.level,
      scopes: options.scopes,
      maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
      seq: this.nextOwnSeq(now),
      notBefore: now,
      notAfter: options.notAfter ?? now + DEFAULT_ATTESTATION_LIFETIME
    }
    await this.publishOwn(ATTESTATION_TOPIC, sealRecord(this.init.privateKey, 'attestation', attestation))
    return attestation
  }

  /** Revoke: a newer attestation for the same subject with level none. */
  async revoke (subject: string): Promise<Attestation> {
    return this.attest({ subject, level: 'none', scopes: ['*'], maxDepth: 0 })
  }

  /** Sign, store and gossip a notice that this cell's key is rotated or compromised (see @cell/trust KeyNotice). */
  async retireKey (notice: Pick<KeyNotice, 'kind' | 'successor' | 'effectiveAt'>): Promise<KeyNotice> {
    const record: KeyNotice = { ...notice, issuer: this.selfId, seq: this.nextOwnSeq(this.now()) }
    if (record.successor == null) delete record.successor
    await this.publishOwn(ATTESTATION_TOPIC, sealRecord(this.init.privateKey, 'key-notice', record))
    return record
  }

  /**
   * Re-issue and spread this cell's peer record (gossip and DHT). With
   * `unlessCurrent`, a stored record that says the same and has long
   * enough to live is spread as it is (see peer-record-renewal.ts).
   */
  async publishPeerRecord (options: { unlessCurrent?: boolean } = {}): Promise<PeerRecord> {
    const now = this.now()
    const content = this.init.peerRecordContent()
    const current = this.init.store.openedPeerRecord(this.selfId)
    if (options.unlessCurrent === true && current != null && stillCurrent(current.record, content, now)) {
      await this.gossip(PEER_RECORD_TOPIC, current.envelope)
      this.spreadPeerRecord(current.record, current.envelope)
      return current.record
    }

    const record: PeerRecord = { ...content, cellId: this.selfId, seq: this.nextOwnSeq(now), issuedAt: now, notAfter: now + PEER_RECORD_LIFETIME }
    const envelope = sealRecord(this.init.privateKey, 'peer-record', record)
    await this.publishOwn(PEER_RECORD_TOPIC, envelope)
    this.spreadPeerRecord(record, envelope)
    return record
  }

  /** Put the record in the DHT and schedule its renewal before it expires. */
  private spreadPeerRecord (record: PeerRecord, envelope: Uint8Array): void {
    this.dhtPublisher.publish(envelope)

    clearTimeout(this.renewalTimer)
    this.renewalTimer = setTimeout(() => {
      if (!this.started) return
      void this.publishPeerRecord({ unlessCurrent: true }).catch(err => { this.init.log.warn({ err }, 'cannot renew the peer record: %s', (err as Error).message) })
    }, renewalDelay(record, this.now()))
    this.renewalTimer.unref()
  }

  /** A cell's peer record: from the store, else from the DHT. */
  async resolve (cellId: string, signal?: AbortSignal): Promise<PeerRecord | undefined> {
    const { store, libp2p, log } = this.init
    return resolvePeerRecord({ store, libp2p, log, ingest: async envelope => await this.ingest(envelope) }, cellId, signal)
  }

  /**
   * Sync with a connected peer, as initiator. A vector asks only for the
   * issuers of this cell's horizon, and what arrives can widen the horizon
   * by a hop; so while it widens, ask again (a few rounds at most).
   */
  async syncWith (peer: PeerId): Promise<SyncResult | undefined> {
    const key = peer.toString()
    if (this.syncing.has(key) || !this.started) return undefined
    this.syncing.add(key)
    const signal = AbortSignal.timeout(SYNC_TIMEOUT)
    try {
      const total: SyncResult = { sent: 0, received: 0, bytesSent: 0, bytesReceived: 0 }
      for (let round = 0; round < SYNC_MAX_ROUNDS; round++) {
        const horizonBefore = this.init.store.horizon().size
        const stream = await this.init.libp2p.dialProtocol(peer, SYNC_PROTOCOL, { signal })
        const result = await syncAsInitiator(stream, this.init.store, async envelope => { await this.ingestSynced(envelope) }, signal)
        await this.updateHorizon()
        for (const field of ['sent', 'received', 'bytesSent', 'bytesReceived'] as const) total[field] += result[field]
        if (result.received === 0 || this.init.store.horizon().size <= horizonBefore) break
      }
      this.emit('synced', { peer: key, ...total })
      this.init.log.debug({ peer: key, ...total }, 'synced with %s', key)
      return total
    } catch (err) {
      this.init.log.debug({ err, peer: key }, 'sync with %s failed: %s', key, (err as Error).message)
      throw err
    } finally {
      this.syncing.delete(key)
    }
  }

  /** Verify and store one envelope, and bring the engine up to date. */
  async ingest (envelope: Uint8Array): Promise<IngestResult | undefined> {
    try {
      const result = await this.init.store.ingest(envelope, { now: this.now() })
      if (result.status === 'accepted') this.apply(result.record)
      return result
    } catch (err) {
      if (err instanceof TrustError) return undefined
      throw err
    }
  }

  /** A record from a sync session: ingested, and gossiped on if it is news here. */
  private async ingestSynced (envelope: Uint8Array): Promise<void> {
    const result = await this.ingest(envelope)
    if (result?.status === 'accepted') this.forwarder.forward(result.record)
  }

  /** Re-read the verified and blocked sets after the owner changed either. */
  refreshLocalChoices (): void {
    this.init.engine.setVerified(this.init.verified.roots())
    this.init.engine.setBlocked(this.init.blocked?.ids() ?? [])
    if (!this.started) return
    this.scheduleHorizonUpdate()
    this.emit('change', { reason: 'verified or blocked cells changed' })
  }

  /** Gossip verdict counts, store counters and engine statistics. */
  stats (): Record<string, unknown> {
    return {
      gossip: { ...this.validator.counters, forwardedFromSync: this.forwarder.forwarded },
      store: { ...this.init.store.counters(), horizon: this.init.store.horizon().size },
      engine: this.init.engine.stats()
    }
  }

  /** Gossipsub's score of each connected peer, as this cell sees it. */
  scores (): Record<string, number> {
    const pubsub = this.init.libp2p.services.pubsub as unknown as { getScore(peer: string): number }
    return Object.fromEntries(this.init.libp2p.getPeers().map(peer => [peer.toString(), pubsub.getScore(peer.toString())]))
  }

  /** Application-specific gossipsub score: a bonus for direct trust. */
  appScore (peerId: string): number {
    try {
      const entry = this.init.engine.view('mesh', this.now()).get(peerId)
      return entry?.source === 'direct' || entry?.source === 'verified' ? DIRECT_TRUST_SCORE_BONUS : 0
    } catch {
      return 0
    }
  }

  private apply (record: OpenedRecord): void {
    const { engine } = this.init
    if (record.kind === 'attestation') {
      engine.upsert(record.record)
    } else if (record.kind === 'key-notice') {
      engine.applyKeyNotice(record.record)
    }
    this.scheduleHorizonUpdate()
    this.emit('change', { reason: `${record.kind} from ${record.issuer}` })
  }

  private scheduleHorizonUpdate (): void {
    if (this.horizonTimer != null) return
    this.horizonTimer = setTimeout(() => {
      this.horizonTimer = undefined
      void this.updateHorizon().catch(err => { this.init.log.error({ err }, 'horizon update failed') })
    }, 20)
  }

  /** Tell the store who is inside the horizon; apply records it promotes. */
  private async updateHorizon (): Promise<void> {
    const before = this.init.store.horizon()
    const promoted = await this.init.store.setHorizon(this.init.engine.horizon(this.now()))
    for (const record of promoted) {
      this.apply(record)
    }
    await this.trustedConnections.update(this.directlyTrusted())
    this.catchUp.horizonChanged(before)
  }

  /** Cells this cell trusts itself (its own attestations or verification), in the mesh scope. */
  private directlyTrusted (): Set<string> {
    const view = this.init.engine.view('mesh', this.now())
    return new Set([...view.entries.values()].filter(entry => entry.source !== 'indirect').map(entry => entry.cellId))
  }

  /**
   * A seq no record of this cell has used. The store learns a seq a few
   * awaits later, so two records issued in one millisecond would clash.
   */
  private nextOwnSeq (now: number): number {
    const stored = this.init.store.versionVector().get(this.selfId) ?? 0
    this.lastOwnSeq = nextSeq(Math.max(stored, this.lastOwnSeq), now)
    return this.lastOwnSeq
  }

  private async publishOwn (topic: string, envelope: Uint8Array): Promise<void> {
    const result = await this.init.store.ingest(envelope, { now: this.now() })
    if (result.status === 'accepted') this.apply(result.record)
    await this.gossip(topic, envelope)
  }

  private async gossip (topic: string, envelope: Uint8Array): Promise<void> {
    try {
      await this.init.libp2p.services.pubsub.publish(topic, envelope)
    } catch (err) {
      // No subscribed peers yet is normal for a lone cell; sync delivers
      // the record when someone connects.
      this.init.log.debug({ err }, 'publish on %s: %s', topic, (err as Error).message)
    }
  }

  private async syncWithRandomPeer (): Promise<void> {
    const peers = this.init.libp2p.getPeers()
    if (peers.length === 0) return
    const peer = peers[Math.floor(Math.random() * peers.length)]
    await this.syncWith(peer).catch(() => {})
  }
}
