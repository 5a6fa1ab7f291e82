/**
 * Applies desired states to a backend, one at a time, changing only what
 * differs. Calls that arrive while an apply runs are coalesced: only the
 * newest desired state is applied next, and every caller waiting on an
 * older one is answered by that apply (the older states are obsolete).
 */
import { diffMeshState, summarizeChanges } from './diff/diff.ts'
import { componentLogger } from './logger.ts'
import type { Logger } from './logger.ts'
import type { AbortOptions, MeshBackend, MeshChange, MeshState } from './types.ts'

export interface MeshReconcilerInit {
  backend: MeshBackend
  /** Parent logger; the reconciler logs as `mesh:reconciler` (default silent) */
  log?: Logger
}

export interface ApplyResult {
  /** The changes applied (empty when the backend already matched) */
  changes: MeshChange[]
  /** The desired state that was applied; newer than the caller's if coalesced */
  applied: MeshState
  /** Whether the caller's state was replaced by a newer one before it ran */
  superseded: boolean
}

interface Waiter {
  desired: MeshState
  resolve(result: ApplyResult): void
  reject(error: unknown): void
  signal?: AbortSignal
  /** Called when the caller aborts: rejects at once and tells the running apply */
  onAbort?: () => void
  aborted: boolean
}

/** Keep only the state fields; desired states also carry warnings and more. */
function stateOf (desired: MeshState): MeshState {
  const { interface: iface, peers, routes, policyRouting, forwarding, ruleset, rulesetDigest } = desired
  return { interface: iface, peers, routes, policyRouting, forwarding, ruleset, rulesetDigest }
}

export class MeshReconciler {
  private readonly backend: MeshBackend
  private readonly log: Logger
  private current: MeshState | null = null
  private waiters: Waiter[] = []
  private running = false
  /** Aborts the running apply once every caller waiting on it gave up */
  private inFlight: { waiters: Waiter[], controller: AbortController } | null = null

  constructor (init: MeshReconcilerInit) {
    this.backend = init.backend
    this.log = componentLogger(init.log, 'mesh:reconciler')
  }

  /** The state last applied successfully, or null before the first or after a failure. */
  get lastApplied (): MeshState | null {
    return this.current
  }

  /** Forget the cached state; the next apply reads the backend first. */
  resync (): void {
    this.current = null
  }

  /**
   * Bring the backend to `desired`. Resolves when it (or a newer state) is
   * applied; rejects at once if `signal` aborts.
   */
  async apply (desired: MeshState, options: AbortOptions = {}): Promise<ApplyResult> {
    options.signal?.throwIfAborted()
    const result = new Promise<ApplyResult>((resolve, reject) => {
      const waiter: Waiter = { desired, resolve, reject, signal: options.signal, aborted: false }
      if (options.signal != null) {
        waiter.onAbort = () => {
          waiter.aborted = true
          reject(options.signal?.reason)
          const flight = this.inFlight
          if (flight?.waiters.includes(waiter) === true && flight.waiters.every((w) => w.aborted)) {
            flight.controller.abort(options.signal?.reason)
          }
        }
        options.signal.addEventListener('abort', waiter.onAbort, { once: true })
      }
      this.waiters.push(waiter)
    })
    if (!this.running) {
      this.running = true
      // Start on the next turn of the event loop so calls made together coalesce.
      setImmediate(() => { void this.drain() })
    }
    return await result
  }

  private async drain (): Promise<void> {
    try {
      while (this.waiters.length > 0) {
        const batch = this.waiters
        this.waiters = []
        await this.applyBatch(batch)
      }
    } finally {
      this.running = false
    }
  }

  private async applyBatch (batch: Waiter[]): Promise<void> {
    const live = batch.filter((waiter) => !waiter.aborted)
    if (live.length === 0) {
      return
    }
    const newest = live[live.length - 1]
    const desired = stateOf(newest.desired)
    const controller = new AbortController()
    this.inFlight = { waiters: live, controller }

    try {
      const current = this.current ?? await this.backend.getState({ signal: controller.signal })
      const changes = diffMeshState(current, desired)
      if (changes.length > 0) {
        this.log.info({ changes: summarizeChanges(changes), coalesced: live.length }, 'applying mesh changes')
        await this.backend.apply(changes, { signal: controller.signal })
      } else {
        this.log.debug('mesh already matches the desired state')
      }
      this.current = desired
      live.forEach((waiter) => waiter.resolve({ changes, applied: desired, superseded: waiter !== newest }))
    } catch (err) {
      // A failed apply may have changed part of the system: read it back next time.
      this.current = null
      this.log.error({ err }, 'mesh apply failed')
      live.forEach((waiter) => waiter.reject(err))
    } finally {
      this.inFlight = null
      live.forEach((waiter) => {
        if (waiter.onAbort != null) waiter.signal?.removeEventListener('abort', waiter.onAbort)
      })
    }
  }
}
