/**
 * Keeps this cell connected to the cells it trusts directly. They are the
 * cells its records come from first and the ones it passes news to, so a
 * dropped connection to one of them should come back by itself.
 *
 * libp2p redials peers that carry a tag starting with `keep-alive` when
 * they disconnect (a few attempts with backoff), and its connection
 * manager prunes tagged peers last. This module keeps such a tag, and
 * gossipsub direct peering (every message, no mesh negotiation), on
 * exactly the directly trusted cells. libp2p gives up (and drops the tag)
 * after a few failed redials, so `redialMissing` runs periodically too.
 *
 * libp2p dials a peer id at the addresses its peer store holds, which it
 * learns only from connections it has had; a cell trusted before it was
 * ever met (trusted by id, its record known from gossip or sync) would be
 * left to a DHT walk. Its signed peer record says where it listens, so
 * those addresses are handed to the peer store before the dial. They are
 * only hints: Noise proves the peer id on connection.
 */
import { KEEP_ALIVE } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import type { PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { CellLibp2p } from '../p2p/libp2p-node.ts'
import type { Logger } from 'pino'

/** The peer-store tag on directly trusted cells. */
export const TRUSTED_TAG = `${KEEP_ALIVE}-pic-trusted`
/** Tag value: above the DHT's and gossipsub's, so pruning keeps these longest. */
const TRUSTED_TAG_VALUE = 100
/** One dial attempt, ms. */
const REDIAL_TIMEOUT = 10_000

/** The multiaddrs a cell's signed peer record lists (none when its record is unknown). */
export type RecordedAddresses = (cellId: string) => readonly string[]

export class TrustedConnections {
  private readonly libp2p: CellLibp2p
  private readonly log: Logger
  private readonly recordedAddresses: RecordedAddresses
  private readonly tagged = new Set<string>()

  constructor (libp2p: CellLibp2p, log: Logger, recordedAddresses: RecordedAddresses = () => []) {
    this.libp2p = libp2p
    this.log = log
    this.recordedAddresses = recordedAddresses
  }

  /** Tag and direct-peer the cells in `trusted`; untag and drop the ones no longer in it. */
  async update (trusted: Set<string>): Promise<void> {
    this.updateGossipDirectPeers(trusted)

    const self = this.libp2p.peerId.toString()
    const added = [...trusted].filter(id => id !== self && !this.tagged.has(id))
    const removed = [...this.tagged].filter(id => !trusted.has(id))

    for (const id of added) {
      this.tagged.add(id)
      await this.setTag(id, { value: TRUSTED_TAG_VALUE })
    }
    for (const id of removed) {
      this.tagged.delete(id)
      await this.setTag(id, undefined)
    }
  }

  /**
   * Dial up to `limit` trusted cells that have no connection, and put back
   * tags libp2p dropped after its redials failed. Failures are normal (the
   * cell may be offline) and wait for the next call.
   */
  async redialMissing (limit: number): Promise<void> {
    const missing = [...this.tagged].filter(id => this.libp2p.getConnections(peerIdFromString(id)).length === 0).slice(0, limit)
    await Promise.all(missing.map(async id => {
      await this.setTag(id, { value: TRUSTED_TAG_VALUE })
      await this.dialAtRecordedAddresses(id)
    }))
  }

  /**
   * Dial a cell, trusted or not, at the addresses its signed peer record
   * lists as well as those libp2p knows. Resolves to its peer id once
   * connected, or undefined when it could not be reached.
   */
  async dialAtRecordedAddresses (id: string): Promise<PeerId | undefined> {
    await this.addRecordedAddresses(id)
    try {
      const connection = await this.libp2p.dial(peerIdFromString(id), { signal: AbortSignal.timeout(REDIAL_TIMEOUT) })
      return connection.remotePeer
    } catch (err) {
      this.log.debug({ err, peer: id }, 'cell %s unreachable: %s', id, (err as Error).message)
      return undefined
    }
  }

  private async addRecordedAddresses (id: string): Promise<void> {
    const addresses: Multiaddr[] = []
    for (const text of this.recordedAddresses(id)) {
      try {
        addresses.push(multiaddr(text))
      } catch {
        // Records are validated on arrival; an address this libp2p cannot
        // parse is one it could not dial either.
      }
    }
    if (addresses.length === 0) return
    try {
      await this.libp2p.peerStore.merge(peerIdFromString(id), { multiaddrs: addresses })
    } catch (err) {
      this.log.debug({ err, peer: id }, 'could not add the recorded addresses of %s', id)
    }
  }

  private updateGossipDirectPeers (trusted: Set<string>): void {
    // `direct` is on the gossipsub class, not on its exported interface.
    const direct = (this.libp2p.services.pubsub as unknown as { direct?: Set<string> }).direct
    if (direct == null) return
    for (const id of trusted) direct.add(id)
    for (const id of [...direct]) {
      if (!trusted.has(id)) direct.delete(id)
    }
  }

  private async setTag (id: string, tag: { value: number } | undefined): Promise<void> {
    try {
      await this.libp2p.peerStore.merge(peerIdFromString(id), { tags: { [TRUSTED_TAG]: tag } })
    } catch (err) {
      // A malformed id never reaches the view (records are checked), and a
      // stopped peer store means the node is shutting down: nothing to keep.
      this.log.debug({ err, peer: id }, 'could not update the keep-alive tag of %s', id)
    }
  }
}
