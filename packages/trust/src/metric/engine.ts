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

interface Cached {
  state: FlowState
  view: TrustView
}

export class TrustEngine {
  readonly selfId: string
  private readonly graph = new AttestationGraph()
  private readonly self: number
  private readonly cache = new Map<Scope, Cached>()
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

  /** The view for `scope` at `now`, from cache, incrementally, or rebuilt. */
  view (scope: Scope, now: number): TrustView {
    const cached = this.cache.get(scope)
    if (cached != null && now >= cached.state.layering.now && now < cached.state.validUntil) {
      if (cached.state.version === this.graph.version) {
        this.counters.cacheHits++
        return cached.view
      }
      const changes = this.graph.changesSince(cached.state.version)
      if (changes != null) {
        cached.state.layering.now = now
        if (updateFlowState(this.graph, cached.state, changes)) {
          this.counters.incrementalUpdates++
          return this.remember(scope, cached.state, now)
        }
      }
    }

    this.counters.fullBuilds++
    const state = buildFlowState(this.graph, this.self, scope, now)
    this.log.trace('rebuilt %s view: %d cells reached, flow %d', scope, state.nodes.length, state.network.value())
    return this.remember(scope, state, now)
  }

  /**
   * Cells whose records the store should keep in full: this cell and every
   * cell trusted in some scope at `now`. Trusted cells are bounded by the
   * flow (see docs/trust-model.md), so Sybils cannot grow the horizon.
   */
  horizon (now: number): Set<string> {
    const ids = new Set<string>([this.selfId])
    for (const scope of VIEW_SCOPES) {
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

  private remember (scope: Scope, state: FlowState, now: number): TrustView {
    const view = new TrustView(this.graph, state, buildEntries(this.graph, state), now, () => this.view(scope, now))
    this.cache.set(scope, { state, view })
    return view
  }
}
