/**
 * Gossip on the news that arrives by sync. Gossip reaches only cells that
 * are connected when a record is published; a cell that was cut off (a
 * partition, an absence, a relay budget that held the record back) gets it
 * later by sync, and its neighbours would otherwise wait for their own next
 * sync round with a peer that has it, a hop per round. Publishing a recent
 * record that sync brought lets gossip carry it on from here: cells that
 * hold it already answer from their store index and do not pass it on, so
 * it travels only as far as it is missing.
 *
 * Only records issued within RELAY_MAX_AGE are forwarded: older ones are
 * history that a newly joined cell syncs in bulk, and every neighbour has
 * them already.
 */
import { ATTESTATION_TOPIC, PEER_RECORD_TOPIC, RELAY_MAX_AGE } from './constants.ts'
import { issuedAt } from './record-times.ts'
import type { CellLibp2p } from '../p2p/libp2p-node.ts'
import type { OpenedRecord } from '@cell/trust'
import type { Logger } from 'pino'

export interface SyncedForwarderInit {
  libp2p: CellLibp2p
  log: Logger
  now(): number
}

export class SyncedForwarder {
  /** Records published again after they arrived by sync */
  forwarded = 0
  private readonly init: SyncedForwarderInit

  constructor (init: SyncedForwarderInit) {
    this.init = init
  }

  /** A record this cell just accepted from a sync session. */
  forward (record: OpenedRecord): void {
    if (this.init.now() - issuedAt(record) > RELAY_MAX_AGE) return
    const topic = record.kind === 'peer-record' ? PEER_RECORD_TOPIC : ATTESTATION_TOPIC
    this.forwarded++
    // Gossipsub refuses a message it has seen (this cell got it by gossip
    // before and dropped it) and a publish with no peers; both are fine.
    this.init.libp2p.services.pubsub.publish(topic, record.envelope).catch(err => {
      this.init.log.debug({ err }, 'forwarding a synced record: %s', (err as Error).message)
    })
  }
}
