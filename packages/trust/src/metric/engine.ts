/**
 * The trust engine: holds the attestation graph and answers "whom does
 * this cell trust for scope S at time T", caching each scope's view and
 * updating it incrementally when attestations change.
 */
import { pino } from 'pino'
import { VIEW_SCOPES } from '../constants.ts'
import { buildFlowState, updateFlowState } from './flow-state.ts'
import { AttestationGraph } from './graph.ts'
import { TrustView } from './trust-view.ts'
import { buildEntries } from './view.ts'
import type { FlowState } from './flow-state.ts'
import type { Attestation, KeyNotice, Scope } from '../records/types.ts'
import type { Logger } from 'pino'

export interface TrustEngineInit {
  /** This cell's id: the root of every view */
  selfId: string
  /** Parent logger; the engine logs as component 'trust:engine' (default silent) */
  log?: Logger
}

export interface TrustEngineStats {
  cells: number
  attestations: number
  fullBuilds: number
  incrementalUpdates: number
  cacheHits: number
}

export class TrustEngine {
  readonly selfId: string
  private readonly graph = new AttestationGraph()
  private readonly self: number
  /** Flow states by the scope they were computed for ('*' for the shared one) */
  private readonly states = new Map<Scope, FlowState>()
  private readonly views = new Map<Scope, TrustView>()
  private readonly log: Logger
  private readonly counters = { fullBuilds: 0, incrementalUpdates: 0, cacheHits: 0 }

  constructor (init: TrustEngineInit) {
    this.selfId = init.selfId
    this.self = this.graph.intern(init.selfId)
    this.log = (init.log ?? pino({ level: 'silent' })).child({ component: 'trust:engine' })
  }

  /**
   * Take in an attestation (already verified, e.g. from the TrustStore).
   * An older or equal seq for the same (issuer, subject) is ignored; a
   * newer one replaces it, so level 'none' revokes. Returns whether the
   * graph changed.
   */
  upsert (attestation: Attestation): boolean {
    return this.graph.upsert(attestation)
  }

  /** Retire a key (see NoticeState merge rules in graph.ts). */
  applyKeyNotice (notice: KeyNotice): boolean {
    return this.graph.applyKeyNotice(notice)
  }

  /**
   * Cells whose fingerprint the user confirmed out of band. They are
   * trusted in every scope as if this cell attested them at 'full' with
   * maxDepth 0: themselves, but not whom they vouch for.
   */
  setVerified (ids: Iterable<string>): boolean {
    return this.graph.setVerified([...ids].filter(id => id !== this.selfId))
  }

  /**
   * Cells this cell refuses: no attestation of them counts, whoever made
   * it, so they are in no view and vouch for nobody here. This cell's own
   * veto, kept locally; others decide for themselves.
   */
  setBlocked (ids: Iterable<string>): boolean {
    return this.graph.setBlocked([...ids].filter(id => id !== this.selfId))
  }

  /**
   * The view for `scope` at `now`. Its flow state comes from cache,
   * incrementally, or rebuilt; scopes no attestation names share the one
   * computed for '*', since the same edges count for each of them (most
   * attestations carry '*', so this saves most of the work).
   */
  view (scope: Scope, now: number): TrustView {
    const state = this.flowState(this.flowKey(scope), now)
    const cached = this.views.get(scope)
    if (cached?.isCurrentFor(state) === true) {
      this.counters.cacheHits++
      return cached
    }
    const view = new TrustView(this.graph, state, scope, buildEntries(this.graph, state, scope), now, () => this.view(scope, now))
    this.views.set(scope, view)
    return view
  }

  private flowState (key: Scope, now: number): FlowState {
    const cached = this.states.get(key)
    if (cached != null && now >= cached.layering.now && now < cached.validUntil) {
      if (cached.version === this.graph.version) return cached
      const changes = this.graph.changesSince(cached.version)
      if (changes != null) {
        cached.layering.now = now
        if (updateFlowState(this.graph, cached, changes)) {
          this.counters.incrementalUpdates++
          return cached
        }
      }
    }

    this.counters.fullBuilds++
    const state = buildFlowState(this.graph, this.self, key, now)
    this.log.trace('rebuilt %s flow state: %d cells reached, flow %d', key, state.nodes.length, state.network.value())
    this.states.set(key, state)
    return state
  }

  /**
   * Cells whose records the store should keep in full: this cell and every
   * cell trusted in some scope at `now`. Trusted cells are bounded by the
   * flow (see docs/trust-model.md), so Sybils cannot grow the horizon.
   */
  horizon (now: number): Set<string> {
    const ids = new Set<string>([this.selfId])
    const counted = new Set<Scope>()
    for (const scope of VIEW_SCOPES) {
      // Scopes that share a flow state trust the same cells.
      const key = this.flowKey(scope)
      if (counted.has(key)) continue
      counted.add(key)
      for (const id of this.view(scope, now).entries.keys()) {
        ids.add(id)
      }
    }
    return ids
  }

  stats (): TrustEngineStats {
    let attestations = 0
    for (const out of this.graph.out) {
      attestations += out.size
    }
    return { cells: this.graph.ids.length, attestations, ...this.counters }
  }

  /** The scope a view's flow state is computed for (see `view`). */
  private flowKey (scope: Scope): Scope {
    return this.graph.namesScope(scope) ? scope : '*'
  }
}
