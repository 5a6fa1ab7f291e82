/**
 * How many records from outside this cell's trust horizon each peer may
 * have relayed through it. Such records are valid and signed, but this cell
 * does not use them; it forwards them only because cells further on may
 * trust their issuer (interest in an issuer is not transitive along gossip
 * paths, so dropping them starves distant cells until the next sync). The
 * budget keeps a peer that floods valid-but-useless records from turning
 * every cell into an amplifier: past it, such records are ignored.
 */
export interface RelayBudgetInit {
  /** Records per second refilled per peer */
  perSecond: number
  /** Largest burst per peer */
  burst: number
  /** Peers tracked at once; the least recently seen is dropped past this */
  maxPeers: number
  now?(): number
}

interface Bucket {
  tokens: number
  updated: number
}

export class RelayBudget {
  private readonly init: RelayBudgetInit
  private readonly buckets = new Map<string, Bucket>()
  private readonly now: () => number

  constructor (init: RelayBudgetInit) {
    this.init = init
    this.now = init.now ?? Date.now
  }

  /** Take one record's worth of budget for `peer`; false when exhausted. */
  take (peer: string): boolean {
    const now = this.now()
    const bucket = this.buckets.get(peer) ?? { tokens: this.init.burst, updated: now }
    bucket.tokens = Math.min(this.init.burst, bucket.tokens + ((now - bucket.updated) / 1000) * this.init.perSecond)
    bucket.updated = now

    // Re-insert so the map's order is least recently seen first.
    this.buckets.delete(peer)
    this.buckets.set(peer, bucket)
    if (this.buckets.size > this.init.maxPeers) {
      const oldest = this.buckets.keys().next().value
      if (oldest != null) this.buckets.delete(oldest)
    }

    if (bucket.tokens < 1) return false
    bucket.tokens -= 1
    return true
  }
}
