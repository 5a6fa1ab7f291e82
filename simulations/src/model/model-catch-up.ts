/**
 * The agent's catch-up sync (packages/agent/src/trust/catch-up-sync.ts) in
 * virtual time: when a cell's horizon gains issuers whose peer record it
 * lacks, it syncs with those issuers where linked, then with a few other
 * neighbours (directly trusted ones first), one session after another
 * until nothing is missing; from a later attempt on, while records are
 * still missing, it also syncs with a few vouchers it has no link to, as
 * the agent dials them (the model does not keep that link for gossip);
 * and it tries again later, further apart each time.
 */
import { CATCH_UP_ATTEMPTS, CATCH_UP_DELAY, CATCH_UP_DIAL_FROM_ATTEMPT, CATCH_UP_MAX_DIALS, CATCH_UP_MAX_ISSUERS, CATCH_UP_PEERS } from '@cell/agent'

export interface ModelCatchUpInit {
  /** Run `task` after `delay` virtual ms */
  schedule(delay: number, task: () => void): void
  horizon(cell: number): ReadonlySet<string>
  hasPeerRecord(cell: number, issuer: string): boolean
  /** Neighbours the cell has a live link to, with their cell ids */
  linked(cell: number): Array<{ index: number, id: string }>
  /** Cell ids the cell trusts itself */
  directlyTrusted(cell: number): Set<string>
  /** Issuers of an attestation (not a revocation) of one of `issuers` in the cell's store, whose peer record it holds */
  vouchers(cell: number, issuers: Set<string>): Array<{ index: number, id: string }>
  /** Whether a dial from `cell` to `other` would connect (both online, same side of any partition) */
  reachable(cell: number, other: number): boolean
  /** One sync session (with its repeat rounds); `done` runs when it ended either way */
  sync(initiator: number, responder: number, done: () => void): void
}

interface CellState {
  wanted: Set<string>
  /** Neighbours synced with since this catch-up began */
  asked: Set<number>
  scheduled: boolean
}

export class ModelCatchUp {
  private readonly init: ModelCatchUpInit
  private readonly states = new Map<number, CellState>()

  constructor (init: ModelCatchUpInit) {
    this.init = init
  }

  /** The cell's horizon was `before` and has just been recomputed. */
  horizonChanged (cell: number, before: ReadonlySet<string>): void {
    const state = this.state(cell)
    for (const issuer of this.init.horizon(cell)) {
      if (!before.has(issuer) && this.lacks(cell, issuer)) state.wanted.add(issuer)
    }
    if (state.wanted.size > 0) this.schedule(cell, 0)
  }

  private state (cell: number): CellState {
    let state = this.states.get(cell)
    if (state == null) {
      state = { wanted: new Set(), asked: new Set(), scheduled: false }
      this.states.set(cell, state)
    }
    return state
  }

  private lacks (cell: number, issuer: string): boolean {
    return this.init.horizon(cell).has(issuer) && !this.init.hasPeerRecord(cell, issuer)
  }

  private schedule (cell: number, attempt: number): void {
    const state = this.state(cell)
    if (state.scheduled) return
    state.scheduled = true
    this.init.schedule(CATCH_UP_DELAY * 2 ** attempt, () => {
      state.scheduled = false
      this.run(cell, attempt)
    })
  }

  private run (cell: number, attempt: number): void {
    const state = this.state(cell)
    const wanted = state.wanted
    state.wanted = new Set()

    const linked = this.init.linked(cell)
    const queue = this.peersToAsk(cell, state, wanted, linked)
    const unlinked = attempt < CATCH_UP_DIAL_FROM_ATTEMPT
      ? []
      : this.init.vouchers(cell, wanted).filter(voucher => !state.asked.has(voucher.index) && !linked.some(peer => peer.index === voucher.index))
    let dials = 0

    const next = (): void => {
      const stillLacking = [...wanted].some(issuer => this.lacks(cell, issuer))
      let peer = queue.shift()
      while (peer == null && stillLacking && dials < CATCH_UP_MAX_DIALS && unlinked.length > 0) {
        const voucher = unlinked.shift()!
        dials++
        state.asked.add(voucher.index)
        if (this.init.reachable(cell, voucher.index)) peer = voucher
      }
      if (peer != null && stillLacking) {
        state.asked.add(peer.index)
        this.init.sync(cell, peer.index, next)
        return
      }
      for (const issuer of wanted) {
        if (this.lacks(cell, issuer)) state.wanted.add(issuer)
      }
      if (state.wanted.size > 0 && attempt + 1 < CATCH_UP_ATTEMPTS) this.schedule(cell, attempt + 1)
      else state.asked.clear()
    }
    next()
  }

  /**
   * Linked wanted issuers (up to CATCH_UP_MAX_ISSUERS), then CATCH_UP_PEERS
   * others: directly trusted ones first (they keep the same issuers), and
   * within each kind those not asked yet in this catch-up.
   */
  private peersToAsk (cell: number, state: CellState, wanted: Set<string>, peers: Array<{ index: number, id: string }>): Array<{ index: number, id: string }> {
    const direct = this.init.directlyTrusted(cell)
    const rank = (peer: { index: number, id: string }): number => (direct.has(peer.id) ? 2 : 0) + (state.asked.has(peer.index) ? 0 : 1)
    const issuers = peers.filter(peer => wanted.has(peer.id)).slice(0, CATCH_UP_MAX_ISSUERS)
    const others = peers.filter(peer => !wanted.has(peer.id)).sort((a, b) => rank(b) - rank(a))
    return [...issuers, ...others.slice(0, CATCH_UP_PEERS)]
  }
}
