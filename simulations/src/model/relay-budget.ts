/**
 * The model cell's budget for relaying records from outside its horizon,
 * with the agent's numbers: per sending peer a token bucket of 20 records
 * a second with bursts of 200, and only records issued in the last 10
 * minutes. It mirrors packages/agent/src/trust/relay-budget.ts and the
 * RELAY_* constants there, which @cell/agent does not export; the model
 * runs on virtual time, so it takes the clock from the network.
 */
import type { OpenedRecord } from '@cell/trust'

export const RELAY_PER_SECOND = 20
export const RELAY_BURST = 200
export const RELAY_MAX_AGE = 10 * 60 * 1000

interface Bucket {
  tokens: number
  updated: number
}

export class RelayBudget {
  private readonly buckets = new Map<string, Bucket>()
  private readonly clock: () => number

  constructor (clock: () => number) {
    this.clock = clock
  }

  /** Whether a quarantined record from `peer` may be forwarded; takes budget if so. */
  allows (record: OpenedRecord, peer: string): boolean {
    const now = this.clock()
    const issued = record.kind === 'peer-record'
      ? record.record.issuedAt
      : record.kind === 'attestation' ? record.record.notBefore : record.record.effectiveAt
    if (now - issued > RELAY_MAX_AGE) return false

    const bucket = this.buckets.get(peer) ?? { tokens: RELAY_BURST, updated: now }
    bucket.tokens = Math.min(RELAY_BURST, bucket.tokens + (now - bucket.updated) / 1000 * RELAY_PER_SECOND)
    bucket.updated = now
    this.buckets.set(peer, bucket)
    if (bucket.tokens < 1) return false
    bucket.tokens -= 1
    return true
  }
}
