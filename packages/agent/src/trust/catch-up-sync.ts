/**
 * Catch-up sync: when this cell's horizon gains issuers it lacks records
 * of, fetch them now instead of at the next periodic sync round.
 *
 * Sync sends only what a cell's horizon asks for, so a horizon widened by
 * gossip (a trusted cell vouching for a new one) would otherwise wait up
 * to a round for the new issuers' peer records. It syncs first with the
 * new issuers themselves where connected (a cell always holds its own
 * records), then with a few other peers, directly trusted ones first
 * (they likely keep the same issuers). Those peers may be fetching the
 * records at this very moment, so what is still missing is asked for
 * again a few times, further apart each time.
 *
 * No connected peer may keep the new issuers at all: interest is not
 * transitive along connections, and after a partition heals a cell's
 * neighbours can all lie outside the new issuers' reach. A cell that
 * attests an issuer keeps the issuer's records, so when records are still
 * missing after a few attempts, a few such vouchers without a connection
 * are dialed at the addresses of their signed peer records and asked too.
 *
 * The sessions run one after another and stop once nothing is missing:
 * run side by side, every peer sent the same records, and at a few
 * hundred cells on one host the duplicates cost more than the records.
 * A retry prefers peers not asked yet in this catch-up: asking the same
 * two every time left a cell without a record its other neighbours held.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { CATCH_UP_ATTEMPTS, CATCH_UP_DELAY, CATCH_UP_DIAL_FROM_ATTEMPT, CATCH_UP_MAX_DIALS, CATCH_UP_MAX_ISSUERS, CATCH_UP_PEERS } from './constants.ts'
import type { CellLibp2p } from '../p2p/libp2p-node.ts'
import type { TrustStore } from '@cell/trust'
import type { PeerId } from '@libp2p/interface'
import type { Logger } from 'pino'

export interface CatchUpSyncInit {
  libp2p: CellLibp2p
  store: TrustStore
  log: Logger
  /** Cells this cell trusts itself */
  directlyTrusted(): Set<string>
  /** One sync (with its repeat rounds) with a connected peer */
  syncWith(peer: PeerId): Promise<unknown>
  /** Connect to a cell at the addresses its peer record lists; undefined if unreachable */
  dial(cellId: string): Promise<PeerId | undefined>
}

export class CatchUpSync {
  private readonly init: CatchUpSyncInit
  private timer?: NodeJS.Timeout
  /** Issuers that entered the horizon without their peer record, for the next attempt */
  private wanted = new Set<string>()
  /** Peers synced with since this catch-up began */
  private readonly asked = new Set<string>()
  private stopped = false

  constructor (init: CatchUpSyncInit) {
    this.init = init
  }

  /** The store's horizon changed from `before`: schedule a catch-up for what is missing. */
  horizonChanged (before: ReadonlySet<string>): void {
    for (const issuer of this.init.store.horizon()) {
      if (!before.has(issuer) && this.lacks(issuer)) this.wanted.add(issuer)
    }
    if (this.wanted.size > 0) this.schedule(0)
  }

  stop (): void {
    this.stopped = true
    clearTimeout(this.timer)
  }

  /**
   * Whether the issuer's peer record is missing. Some of its records may be
   * here already (promoted from the quarantine), so holding any record
   * does not mean holding all.
   */
  private lacks (issuer: string): boolean {
    return this.init.store.horizon().has(issuer) && this.init.store.peerRecord(issuer) == null
  }

  private schedule (attempt: number): void {
    if (this.timer != null || this.stopped) return
    this.timer = setTimeout(() => {
      this.timer = undefined
      void this.run(attempt).catch(err => { this.init.log.debug({ err }, 'catch-up sync failed') })
    }, CATCH_UP_DELAY * 2 ** attempt)
  }

  private async run (attempt: number): Promise<void> {
    const wanted = this.wanted
    this.wanted = new Set()

    for (const peer of this.peersToAsk(wanted)) {
      if (this.stopped || !this.stillLacking(wanted)) break
      await this.ask(peer)
    }

    const unconnected = attempt < CATCH_UP_DIAL_FROM_ATTEMPT || !this.stillLacking(wanted)
      ? []
      : [...this.vouchersFor(wanted)].filter(id => !this.asked.has(id) && this.init.libp2p.getConnections(peerIdFromString(id)).length === 0)
    for (const voucher of unconnected.slice(0, CATCH_UP_MAX_DIALS)) {
      if (this.stopped || !this.stillLacking(wanted)) break
      this.asked.add(voucher)
      const peer = await this.init.dial(voucher)
      if (peer != null) await this.ask(peer)
    }

    for (const issuer of wanted) {
      if (this.lacks(issuer)) this.wanted.add(issuer)
    }
    if (this.wanted.size > 0 && attempt + 1 < CATCH_UP_ATTEMPTS) {
      this.schedule(attempt + 1)
    } else {
      this.asked.clear()
    }
  }

  private async ask (peer: PeerId): Promise<void> {
    this.asked.add(peer.toString())
    await this.init.syncWith(peer).catch(() => {})
  }

  /**
   * Connected wanted issuers (up to CATCH_UP_MAX_ISSUERS), then
   * CATCH_UP_PEERS others: directly trusted ones first, and within each
   * kind those not asked yet in this catch-up. Connected vouchers are not
   * preferred: when one attestation widens many horizons, its issuer is
   * every cell's voucher and is still fetching the records itself (at 500
   * simulated cells that doubled the messages per delivery).
   */
  private peersToAsk (wanted: Set<string>): PeerId[] {
    const direct = this.init.directlyTrusted()
    const rank = (peer: string): number => (direct.has(peer) ? 2 : 0) + (this.asked.has(peer) ? 0 : 1)
    const peers = this.init.libp2p.getPeers()
    const issuers = peers.filter(peer => wanted.has(peer.toString())).slice(0, CATCH_UP_MAX_ISSUERS)
    const others = peers.filter(peer => !wanted.has(peer.toString())).sort((a, b) => rank(b.toString()) - rank(a.toString()))
    return [...issuers, ...others.slice(0, CATCH_UP_PEERS)]
  }

  /**
   * Issuers of a stored attestation (not a revocation) of a wanted issuer
   * whose peer record this cell holds, so it knows where to dial them;
   * itself excluded. The store drops expired attestations on its own.
   */
  private vouchersFor (wanted: Set<string>): Set<string> {
    const self = this.init.libp2p.peerId.toString()
    const vouchers = new Set<string>()
    for (const { record } of this.init.store.attestations()) {
      if (record.level === 'none' || !wanted.has(record.subject) || record.issuer === self) continue
      if (this.init.store.peerRecord(record.issuer) != null) vouchers.add(record.issuer)
    }
    return vouchers
  }

  private stillLacking (issuers: Set<string>): boolean {
    for (const issuer of issuers) {
      if (this.lacks(issuer)) return true
    }
    return false
  }
}
