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

  /** Bring the backend to `desired`. Resolves when it (or a newer state) is applied. */
  async apply (desired: MeshState, options: AbortOptions = {}): Promise<ApplyResult> {
    options.signal?.throwIfAborted()
    const result = new Promise<ApplyResult>((resolve, reject) => {
      this.waiters.push({ desired, resolve, reject, signal: options.signal })
    })
    if (!this.running) {
      this.running = true
      // Start on the next tick so that calls made in the same tick coalesce.
      setImmediate(() => { void this.drain() })
    }
    return result
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
    const live = batch.filter((waiter) => {
      if (waiter.signal?.aborted === true) {
        waiter.reject(waiter.signal.reason)
        return false
      }
      return true
    })
    if (live.length === 0) {
      return
    }
    const newest = live[live.length - 1]
    const desired = stateOf(newest.desired)

    // A caller that aborts is answered at once; the apply itself stops early
    // only when every caller waiting on it gave up.
    const controller = new AbortController()
    let aborted = 0
    const listeners = live.map((waiter) => {
      const onAbort = (): void => {
        waiter.reject(waiter.signal?.reason)
        if (++aborted === live.length) {
          controller.abort(waiter.signal?.reason)
        }
      }
      waiter.signal?.addEventListener('abort', onAbort, { once: true })
      return onAbort
    })

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
      live.forEach((waiter, i) => waiter.signal?.removeEventListener('abort', listeners[i]))
    }
  }
}
