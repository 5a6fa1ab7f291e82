/**
 * A cell's peer record in the cells' DHT: putting its own there, and
 * looking up another's. The DHT is where a cell id that gossip never
 * brought is resolved (`cell cells <id>`, dialing a cell trusted by id).
 */
import { SYNC_TIMEOUT } from './constants.ts'
import { peerRecordKey } from './dht-records.ts'
import type { CellLibp2p } from '../p2p/libp2p-node.ts'
import type { Logger } from 'pino'

/**
 * Puts this cell's latest peer record in the DHT, in the background: a
 * put needs DHT servers among the peers and can be slow. At most one put
 * runs at a time; a record no server took is put again on the next
 * `retry` (a cell's first put usually finds no peers yet).
 */
export class DhtPeerRecordPublisher {
  private readonly libp2p: CellLibp2p
  private readonly selfId: string
  private readonly log: Logger
  private envelope?: Uint8Array
  private published = false
  private running = false
  private stopped = false

  constructor (libp2p: CellLibp2p, log: Logger) {
    this.libp2p = libp2p
    this.selfId = libp2p.peerId.toString()
    this.log = log
  }

  /** Put this envelope from now on (it replaces the one before). */
  publish (envelope: Uint8Array): void {
    this.envelope = envelope
    this.published = false
    this.put()
  }

  /** Put the latest envelope again unless a DHT server already holds it. */
  retry (): void {
    if (!this.published) this.put()
  }

  stop (): void {
    this.stopped = true
  }

  private put (): void {
    const envelope = this.envelope
    if (envelope == null || this.running || this.stopped) return
    this.running = true
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
      }
    })()
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
