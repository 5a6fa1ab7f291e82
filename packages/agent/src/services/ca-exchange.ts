/**
 * The `ca-exchange` service keeps the vault's accepted peer CAs in step
 * with the web of trust: every cell trusted in some scope has its CA
 * fetched over `/pic/ca/1.0.0` and accepted for exactly the scopes it is
 * trusted for now; a cell trusted for nothing has its CA removed. It also
 * answers the same protocol for the cells this cell trusts.
 *
 * It runs on start and on every `trust:changed`, in the background:
 * start-up never waits on a dial. One reconciliation runs at a time (a
 * change during a run triggers one more), fetches run a few at a time, and
 * a failed fetch is retried with exponential backoff, or at once when the
 * cell connects (an unreachable cell is the usual reason a fetch fails).
 *
 * The service owns the vault's peer CA list: an entry for a cell the web of
 * trust does not hold is removed, whoever added it.
 */
import { VIEW_SCOPES } from '@cell/trust'
import { MINUTE, SECOND } from '../constants.ts'
import { CaExchangeError, CA_PROTOCOL, fetchCa, serveCa } from './ca-exchange-protocol.ts'
import { planPeerCas } from './ca-exchange-plan.ts'
import type { FetchState, Plan } from './ca-exchange-plan.ts'
import type { ServiceBus } from '../bus/service-bus.ts'
import type { ServiceManager } from '../bus/manager.ts'
import type { CellLibp2p } from '../p2p/libp2p-node.ts'
import type { TrustManager } from '../trust/trust-manager.ts'
import type { Vault } from '@cell/services'
import type { Logger } from 'pino'

/** Fetches in flight at once. */
export const CA_FETCH_CONCURRENCY = 4
/** First retry after a failed fetch; doubles per failure up to the maximum. */
export const CA_RETRY_BASE = 2 * SECOND
export const CA_RETRY_MAX = 10 * MINUTE

export interface CaExchangeInit {
  /** The open vault; throws while it is locked or stopped */
  vault(): Vault
  trust(): TrustManager
  libp2p(): CellLibp2p
  bus: ServiceBus
  log: Logger
}

export class CaExchangeManager implements ServiceManager {
  readonly name = 'ca-exchange'
  readonly dependencies = ['vault', 'trust'] as const
  private readonly init: CaExchangeInit
  private readonly fetched = new Map<string, FetchState>()
  private controller?: AbortController
  private unsubscribe: Array<() => void> = []
  private running?: Promise<void>
  private dirty = false
  private retryTimer?: NodeJS.Timeout

  constructor (init: CaExchangeInit) {
    this.init = init
  }

  async start (): Promise<void> {
    this.controller = new AbortController()
    await serveCa({
      libp2p: this.init.libp2p(),
      caPem: () => { try { return this.init.vault().caPem() } catch { return undefined } },
      isTrusted: cellId => this.isTrusted(cellId),
      log: this.init.log
    })
    this.unsubscribe = [
      this.init.bus.on('trust:changed', () => { this.schedule() }),
      this.init.bus.on('peer:connected', event => { this.retryNow(event.data.peer) })
    ]
    this.schedule()
  }

  async stop (): Promise<void> {
    for (const unsubscribe of this.unsubscribe) unsubscribe()
    this.unsubscribe = []
    clearTimeout(this.retryTimer)
    this.controller?.abort()
    await this.running
    this.fetched.clear()
    try {
      await this.init.libp2p().unhandle(CA_PROTOCOL)
    } catch {
      // libp2p already stopped, and its handlers with it.
    }
  }

  status (): Record<string, unknown> {
    const failing = [...this.fetched].filter(([, state]) => state.failures > 0)
      .map(([cellId, state]) => ({ cellId, failures: state.failures, retryAt: new Date(state.retryAt).toISOString(), error: state.error }))
    return { fetched: this.fetched.size - failing.length, failing }
  }

  private isTrusted (cellId: string): boolean {
    const node = this.init.trust().node
    return VIEW_SCOPES.some(scope => node.view(scope).has(cellId))
  }

  /** A cell whose fetch failed just connected: try it again without waiting out the backoff. */
  private retryNow (cellId: string): void {
    const state = this.fetched.get(cellId)
    if (state == null || state.failures === 0) return
    state.retryAt = 0
    this.schedule()
  }

  /** Run a reconciliation now, or once more after the one running. */
  private schedule (): void {
    if (this.controller?.signal.aborted !== false) return
    if (this.running != null) {
      this.dirty = true
      return
    }
    clearTimeout(this.retryTimer)
    this.dirty = false
    this.running = this.reconcile(this.controller.signal)
      .catch(err => { this.init.log.error({ err }, 'peer CA reconciliation failed: %s', (err as Error).message) })
      .finally(() => {
        this.running = undefined
        if (this.dirty) this.schedule()
        else this.armRetry()
      })
  }

  /** Wake up for the earliest pending retry. */
  private armRetry (): void {
    const due = [...this.fetched.values()].filter(state => state.failures > 0).map(state => state.retryAt)
    if (due.length === 0 || this.controller?.signal.aborted !== false) return
    this.retryTimer = setTimeout(() => { this.schedule() }, Math.max(0, Math.min(...due) - Date.now()))
    this.retryTimer.unref()
  }

  private async reconcile (signal: AbortSignal): Promise<void> {
    const vault = this.init.vault()
    const trust = this.init.trust()
    const plan = planPeerCas({
      views: new Map(VIEW_SCOPES.map(scope => [scope, trust.node.view(scope).entries.keys()])),
      accepted: vault.listPeerCas(),
      fetched: this.fetched,
      seqOf: cellId => trust.records.peerRecord(cellId)?.seq,
      now: Date.now()
    })

    for (const cellId of plan.forget) this.fetched.delete(cellId)
    for (const { cellId, seq } of plan.adopt) this.fetched.set(cellId, { seq, failures: 0, retryAt: 0 })
    // One cell's failure must not hold up the others: each step is logged and the next pass tries again.
    for (const cellId of plan.remove) {
      await vault.removePeerCa(cellId).then(
        () => { this.init.log.info({ cell: cellId }, 'removed the CA of %s: no longer trusted for any scope', cellId) },
        (err: unknown) => { this.init.log.error({ err, cell: cellId }, 'could not remove the CA of %s', cellId) })
    }
    for (const { cellId, caPem, scopes } of plan.rescope) {
      await vault.acceptPeerCa(cellId, caPem, scopes).then(
        () => { this.init.log.info({ cell: cellId, scopes }, 'the CA of %s is now accepted for %s', cellId, scopes.join(',')) },
        (err: unknown) => { this.init.log.warn({ err, cell: cellId }, 'could not change the scopes of the CA of %s', cellId) })
    }
    await this.fetchAll(plan.fetch, vault, signal)
  }

  /** Fetch and accept CAs, at most CA_FETCH_CONCURRENCY at once. */
  private async fetchAll (jobs: Plan['fetch'], vault: Vault, signal: AbortSignal): Promise<void> {
    // A shared cursor over the list is all the pooling this needs; a queue
    // library would add a dependency for five lines.
    let next = 0
    const worker = async (): Promise<void> => {
      while (next < jobs.length && !signal.aborted) {
        await this.fetchOne(jobs[next++], vault, signal)
      }
    }
    await Promise.all(Array.from({ length: Math.min(CA_FETCH_CONCURRENCY, jobs.length) }, worker))
  }

  private async fetchOne (job: Plan['fetch'][number], vault: Vault, signal: AbortSignal): Promise<void> {
    const { cellId, scopes, seq } = job
    const multiaddrs = this.init.trust().records.peerRecord(cellId)?.multiaddrs ?? []
    try {
      const caPem = await fetchCa(this.init.libp2p(), cellId, multiaddrs, signal)
      const accepted = await vault.acceptPeerCa(cellId, caPem, scopes)
      this.fetched.set(cellId, { seq, failures: 0, retryAt: 0 })
      this.init.log.info({ cell: cellId, scopes: accepted.scopes, fingerprint: accepted.fingerprint }, 'accepted the CA of %s', cellId)
    } catch (err) {
      if (signal.aborted) return
      const previous = this.fetched.get(cellId)
      const failures = (previous?.failures ?? 0) + 1
      const delay = Math.min(CA_RETRY_MAX, CA_RETRY_BASE * 2 ** (failures - 1))
      const message = (err as Error).message
      // The seq stays at the last success, so the plan keeps this cell stale until a fetch works.
      this.fetched.set(cellId, { seq: previous?.seq, failures, retryAt: Date.now() + delay, error: message })
      const level = err instanceof CaExchangeError && failures < 3 ? 'debug' : 'warn'
      this.init.log[level]({ err, cell: cellId, failures, retryInMs: delay }, 'CA of %s not accepted: %s', cellId, message)
    }
  }
}
