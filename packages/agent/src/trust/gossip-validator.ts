/**
 * The gossipsub topic validator for trust records. Every record is checked
 * and stored before gossipsub may relay it, and the answer steers both
 * relaying and scoring:
 *
 * - accept: new and valid; stored and relayed. Also records from outside
 *   this cell's horizon that are recent and within the sender's relay
 *   budget: relayed for cells further on, kept only in the quarantine.
 * - ignore: valid but useless here (stale seq, duplicate, expired, old or
 *   over-budget strangers' records): not relayed, no penalty.
 * - reject: provably bad (signature, issuer, domain, malformed, oversized):
 *   not relayed, and gossipsub scores the sender down.
 */
import { TrustError, classifyError } from '@cell/trust'
import { MAX_GOSSIP_BYTES, PEER_RECORD_TOPIC, RELAY_BURST, RELAY_MAX_AGE, RELAY_MAX_PEERS, RELAY_PER_SECOND } from './constants.ts'
import { issuedAt } from './record-times.ts'
import { RelayBudget } from './relay-budget.ts'
import type { OpenedRecord, TrustStore } from '@cell/trust'
import type { Message } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'
import type { Logger } from 'pino'

export type Verdict = 'accept' | 'ignore' | 'reject'

export interface GossipCounters {
  accept: number
  ignore: number
  reject: number
  /** Accepted for forwarding only: valid, but from outside the horizon */
  relayed: number
}

export interface GossipValidatorInit {
  store: TrustStore
  log: Logger
  now(): number
  /** Called with every record the store accepted */
  onAccepted(record: OpenedRecord): void
}

/** Peer records travel on their topic; attestations and key notices on theirs. */
function onItsTopic (topic: string, record: OpenedRecord): boolean {
  return topic === PEER_RECORD_TOPIC ? record.kind === 'peer-record' : record.kind !== 'peer-record'
}

export class GossipValidator {
  readonly counters: GossipCounters = { accept: 0, ignore: 0, reject: 0, relayed: 0 }
  private readonly init: GossipValidatorInit
  private readonly relayBudget: RelayBudget

  constructor (init: GossipValidatorInit) {
    this.init = init
    this.relayBudget = new RelayBudget({ perSecond: RELAY_PER_SECOND, burst: RELAY_BURST, maxPeers: RELAY_MAX_PEERS, now: init.now })
  }

  async validate (topic: string, peer: PeerId, message: Message): Promise<Verdict> {
    const verdict = await this.verdictFor(topic, message.data, peer.toString())
    this.counters[verdict]++
    if (verdict === 'reject') {
      this.init.log.info({ peer: peer.toString(), topic }, 'rejected gossip from %s', peer.toString())
    }
    return verdict
  }

  private async verdictFor (topic: string, data: Uint8Array, from: string): Promise<Verdict> {
    const now = this.init.now()
    if (data.byteLength > MAX_GOSSIP_BYTES) {
      // Counted by the store as too large without parsing it.
      await this.init.store.ingest(data, { now }).catch(() => {})
      return 'reject'
    }

    try {
      const result = await this.init.store.ingest(data, { now })
      const onTopic = onItsTopic(topic, result.record)
      if (result.status === 'quarantined') return onTopic ? this.relayVerdict(result.record, from) : 'ignore'
      if (result.status !== 'accepted') return 'ignore'

      this.init.onAccepted(result.record)
      return onTopic ? 'accept' : 'ignore'
    } catch (err) {
      if (err instanceof TrustError) return classifyError(err)
      this.init.log.error({ err }, 'unexpected error validating gossip')
      return 'ignore'
    }
  }

  /**
   * A valid record whose issuer this cell does not trust: forward it (cells
   * further on may trust the issuer; interest is not transitive along
   * gossip paths) if it is recent and the sender is within its budget.
   */
  private relayVerdict (record: OpenedRecord, from: string): Verdict {
    if (this.init.now() - issuedAt(record) > RELAY_MAX_AGE || !this.relayBudget.take(from)) return 'ignore'
    this.counters.relayed++
    return 'accept'
  }
}
