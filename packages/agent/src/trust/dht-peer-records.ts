/**
 * A cell's peer record in the cells' DHT: putting its own there, and
 * looking up another's. The DHT is where a cell id that gossip never
 * brought is resolved (`cell cells <id>`, dialing a cell trusted by id).
 */
import { DHT_PROTOCOL } from '../constants.ts'
import { DHT_PUT_RETRY_MAX, DHT_PUT_RETRY_MIN, DHT_PUT_SERVER_SETTLE, SYNC_TIMEOUT } from './constants.ts'
import { peerRecordKey } from './dht-records.ts'
import type { CellLibp2p } from '../p2p/libp2p-node.ts'
import type { IngestResult, PeerRecord, TrustStore } from '@cell/trust'
import type { Logger } from 'pino'

/**
 * Puts this cell's latest peer record in the DHT, in the background: a
 * put needs DHT servers among the peers and can be slow. At most one put
 * runs at a time. A put no server took is tried again shortly after a
 * DHT server connects, and otherwise after a backoff (DHT_PUT_RETRY_MIN
 * doubling to DHT_PUT_RETRY_MAX).
 */
export class DhtPeerRecordPublisher {
  private readonly libp2p: CellLibp2p
  private readonly selfId: string
  private readonly log: Logger
  private envelope?: Uint8Array
  private published = false
  private running = false
  private stopped = false
  private retryDelay = DHT_PUT_RETRY_MIN
  private retryTimer?: NodeJS.Timeout
  private topologyId?: string

  constructor (libp2p: CellLibp2p, log: Logger) {
    this.libp2p = libp2p
    this.selfId = libp2p.peerId.toString()
    this.log = log
  }

  /** Watch for DHT servers connecting (identify shows their protocol). */
  async start (): Promise<void> {
    this.topologyId = await this.libp2p.register(DHT_PROTOCOL, { onConnect: () => { this.serverConnected() } })
  }

  /** Put this envelope from now on (it replaces the one before). */
  publish (envelope: Uint8Array): void {
    this.envelope = envelope
    this.published = false
    this.retryDelay = DHT_PUT_RETRY_MIN
    this.put()
  }

  /** Whether a DHT server has taken the latest envelope. */
  get isPublished (): boolean {
    return this.published
  }

  stop (): void {
    this.stopped = true
    clearTimeout(this.retryTimer)
    if (this.topologyId != null) this.libp2p.unregister(this.topologyId)
  }

  private serverConnected (): void {
    if (this.published || this.stopped || this.envelope == null) return
    this.retryDelay = DHT_PUT_RETRY_MIN
    clearTimeout(this.retryTimer)
    this.retryTimer = setTimeout(() => { this.put() }, DHT_PUT_SERVER_SETTLE)
    this.retryTimer.unref()
  }

  private put (): void {
    const envelope = this.envelope
    if (envelope == null || this.running || this.stopped) return
    this.running = true
    clearTimeout(this.retryTimer)
    void (async () => {
      try {
        let stored = false
        for await (const event of this.libp2p.services.dht.put(peerRecordKey(this.selfId), envelope, { signal: AbortSignal.timeout(SYNC_TIMEOUT) })) {
          // A PUT_VALUE answer means some DHT server holds the record now.
          if (event.name === 'PEER_RESPONSE' && event.messageName === 'PUT_VALUE') stored = true
        }
        if (this.envelope === envelope) this.published = stored
      } catch (err) {
        this.log.debug({ err }, 'DHT put of peer record failed: %s', (err as Error).message)
      } finally {
        this.running = false
        this.scheduleRetry()
      }
    })()
  }

  private scheduleRetry (): void {
    if (this.published || this.stopped) return
    clearTimeout(this.retryTimer)
    this.retryTimer = setTimeout(() => { this.put() }, this.retryDelay)
    this.retryTimer.unref()
    this.retryDelay = Math.min(this.retryDelay * 2, DHT_PUT_RETRY_MAX)
  }
}

/**
 * The values the DHT holds under `cellId`'s peer-record key, each handed
 * to `take` until it answers true (it checks and stores them). Failures
 * end the lookup quietly: the caller falls back to what it had.
 */
export async function lookUpPeerRecord (libp2p: CellLibp2p, cellId: string, take: (value: Uint8Array) => Promise<boolean>, log: Logger, signal?: AbortSignal): Promise<void> {
  try {
    for await (const event of libp2p.services.dht.get(peerRecordKey(cellId), { signal: signal ?? AbortSignal.timeout(SYNC_TIMEOUT) })) {
      if (event.name === 'VALUE' && await take(event.value)) return
    }
  } catch (err) {
    log.debug({ err, cellId }, 'DHT lookup failed')
  }
}

export interface PeerRecordSource {
  store: TrustStore
  libp2p: CellLibp2p
  log: Logger
  /** Verify and store an envelope (TrustNode.ingest) */
  ingest(envelope: Uint8Array): Promise<IngestResult | undefined>
}

/** A cell's peer record: from the store, else looked up in the DHT and ingested. */
export async function resolvePeerRecord (source: PeerRecordSource, cellId: string, signal?: AbortSignal): Promise<PeerRecord | undefined> {
  const known = source.store.peerRecord(cellId)
  if (known != null || source.libp2p.getPeers().length === 0) return known

  // A cell outside the horizon lands in the quarantine, not the store, so
  // the record is taken from the ingest result.
  let found: PeerRecord | undefined
  await lookUpPeerRecord(source.libp2p, cellId, async value => {
    const result = await source.ingest(value)
    if (result?.record.kind === 'peer-record' && result.record.issuer === cellId) found = result.record.record
    return found != null
  }, source.log, signal)
  return found ?? source.store.peerRecord(cellId)
}
