/**
 * The model cell's rule for relaying records from outside its horizon: the
 * agent's own budget (`RelayBudget` and the RELAY_* numbers from
 * @cell/agent) on the network's virtual clock, and the agent's age limit.
 */
import { RELAY_BURST, RELAY_MAX_AGE, RELAY_MAX_PEERS, RELAY_PER_SECOND, RelayBudget as AgentRelayBudget, issuedAt } from '@cell/agent'
import type { OpenedRecord } from '@cell/trust'

export class RelayBudget {
  private readonly budget: AgentRelayBudget
  private readonly clock: () => number

  constructor (clock: () => number) {
    this.clock = clock
    this.budget = new AgentRelayBudget({ perSecond: RELAY_PER_SECOND, burst: RELAY_BURST, maxPeers: RELAY_MAX_PEERS, now: clock })
  }

  /** Whether a quarantined record from `peer` may be forwarded; takes budget if so. */
  allows (record: OpenedRecord, peer: string): boolean {
    if (this.clock() - issuedAt(record) > RELAY_MAX_AGE) return false
    return this.budget.take(peer)
  }
}
