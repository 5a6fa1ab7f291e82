/**
 * The attestation graph the engine keeps between views: one edge per
 * (issuer, subject) holding the latest attestation, adjacency in both
 * directions, key notices, and this cell's own verified and blocked sets. Views are computed from it
 * without rebuilding it, and every change is logged so a view can be
 * updated incrementally.
 */
import { SCOPES } from '../constants.ts'
import type { Attestation, KeyNotice, Level, Scope } from '../records/types.ts'

export interface Edge {
  from: number
  to: number
  level: Level
  /** Bit i set = SCOPES[i] */
  mask: number
  maxDepth: number
  notBefore: number
  notAfter: number
  seq: number
  attestation: Attestation
}

export interface NoticeState {
  kind: KeyNotice['kind']
  effectiveAt: number
  successor?: string
}

export const WILDCARD_BIT = 1 << SCOPES.indexOf('*')

export function scopeBit (scope: Scope): number {
  const index = SCOPES.indexOf(scope)
  if (index < 0) {
    throw new RangeError(`Unknown scope ${String(scope)}`)
  }
  return 1 << index
}

export function scopeMask (scopes: readonly Scope[]): number {
  let mask = 0
  for (const scope of scopes) {
    mask |= scopeBit(scope)
  }
  return mask
}

/** A change to one edge, or `null` endpoints for a change that needs a full recompute. */
export interface Change {
  from: number
  to: number
}

/** Changes kept before the log collapses into "recompute everything". */
const MAX_CHANGES = 4096

export class AttestationGraph {
  readonly ids: string[] = []
  readonly index = new Map<string, number>()
  readonly out: Array<Map<number, Edge>> = []
  readonly in: Array<Map<number, Edge>> = []
  readonly notices = new Map<number, NoticeState>()
  readonly verified = new Set<number>()
  /** Cells this cell refuses whoever vouches for them (see layers.ts edgeState) */
  readonly blocked = new Set<number>()
  /** Bumped on every change */
  version = 0
  /** Edge changes since `changesFrom`; a structural change empties it */
  private changes: Change[] = []
  private changesFrom = 0
  /** Per scope bit, the edges that name that scope itself (not through '*') */
  private readonly edgesNaming = new Uint32Array(SCOPES.length)

  intern (id: string): number {
    let i = this.index.get(id)
    if (i === undefined) {
      i = this.ids.length
      this.ids.push(id)
      this.index.set(id, i)
      this.out.push(new Map())
      this.in.push(new Map())
    }
    return i
  }

  /** Store an attestation if it is newer than the edge held; true if it changed the graph. */
  upsert (attestation: Attestation): boolean {
    const from = this.intern(attestation.issuer)
    const to = this.intern(attestation.subject)
    const current = this.out[from].get(to)
    if (current != null && current.seq >= attestation.seq) {
      return false
    }
    const edge: Edge = {
      from,
      to,
      level: attestation.level,
      mask: scopeMask(attestation.scopes),
      maxDepth: attestation.maxDepth,
      notBefore: attestation.notBefore,
      notAfter: attestation.notAfter,
      seq: attestation.seq,
      attestation
    }
    this.out[from].set(to, edge)
    this.in[to].set(from, edge)
    if (current != null) this.countScopes(current.mask, -1)
    this.countScopes(edge.mask, 1)
    this.logChange({ from, to })
    return true
  }

  /**
   * Whether any edge names `scope` itself. When none does, an edge counts
   * for the scope exactly when it carries '*', so the scope's view is the
   * same as that of every other scope no edge names.
   */
  namesScope (scope: Scope): boolean {
    return this.edgesNaming[SCOPES.indexOf(scope)] > 0
  }

  /**
   * Merge a key notice. 'compromised' is sticky (a later 'rotated' signed
   * with the same, possibly stolen, key cannot undo it) and the earliest
   * effective time wins, because a thief can only push it later.
   */
  applyKeyNotice (notice: KeyNotice): boolean {
    const issuer = this.intern(notice.issuer)
    const current = this.notices.get(issuer)
    const kind = current?.kind === 'compromised' ? 'compromised' : notice.kind
    const effectiveAt = Math.min(current?.effectiveAt ?? Number.POSITIVE_INFINITY, notice.effectiveAt)
    const successor = current?.kind === 'compromised' ? current.successor : notice.successor ?? current?.successor
    if (current != null && current.kind === kind && current.effectiveAt === effectiveAt && current.successor === successor) {
      return false
    }
    const state: NoticeState = { kind, effectiveAt }
    if (successor != null) {
      state.successor = successor
    }
    this.notices.set(issuer, state)
    this.structuralChange()
    return true
  }

  setVerified (ids: Iterable<string>): boolean {
    return this.replaceSet(this.verified, ids)
  }

  setBlocked (ids: Iterable<string>): boolean {
    return this.replaceSet(this.blocked, ids)
  }

  /** Edge changes since `version`, or null if they are not all known. */
  changesSince (version: number): Change[] | null {
    if (version < this.changesFrom) {
      return null
    }
    return this.changes.slice(this.changes.length - (this.version - version))
  }

  /** Replace a per-cell set; any change invalidates every layering. */
  private replaceSet (set: Set<number>, ids: Iterable<string>): boolean {
    const next = new Set<number>()
    for (const id of ids) {
      next.add(this.intern(id))
    }
    if (next.size === set.size && [...next].every(i => set.has(i))) {
      return false
    }
    set.clear()
    for (const i of next) {
      set.add(i)
    }
    this.structuralChange()
    return true
  }

  private countScopes (mask: number, delta: number): void {
    for (let bit = 0; bit < SCOPES.length; bit++) {
      if ((mask & (1 << bit)) !== 0 && (1 << bit) !== WILDCARD_BIT) this.edgesNaming[bit] += delta
    }
  }

  private logChange (change: Change): void {
    this.version++
    this.changes.push(change)
    if (this.changes.length > MAX_CHANGES) {
      this.structuralChange()
      return
    }
  }

  private structuralChange (): void {
    this.version++
    this.changes = []
    this.changesFrom = this.version
  }
}
