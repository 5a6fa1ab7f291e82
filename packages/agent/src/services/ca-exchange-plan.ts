/**
 * What the CA exchange should do next, as a pure function of the trust
 * views, the peer CAs the vault holds and what was fetched so far. The
 * manager (ca-exchange.ts) carries the plan out; keeping the decision here
 * lets it be read, and tested, without sockets.
 */
import { VIEW_SCOPES } from '@cell/trust'
import type { PeerCa } from '@cell/services'
import type { Scope } from '@cell/trust'

type ViewScope = typeof VIEW_SCOPES[number]

/**
 * The vault scope that stands for each trust view. They are spelled alike
 * today; the table is the one place to change if the vault ever namespaces
 * its scopes (`service:files`).
 */
export const VAULT_SCOPE: Readonly<Record<ViewScope, string>> = {
  mesh: 'mesh',
  route: 'route',
  dns: 'dns',
  mail: 'mail',
  calendar: 'calendar',
  files: 'files'
}

/** What this cell remembers of each cell whose CA it fetched or tried to fetch. */
export interface FetchState {
  /** Peer record seq the current CA was fetched at (undefined: no record known then) */
  seq?: number
  /** Consecutive failures since the last success */
  failures: number
  /** No new attempt before this time (ms) */
  retryAt: number
  /** The last failure's message, for status pages */
  error?: string
}

export interface PlanInput {
  /** Cells trusted per view scope (`view(scope).entries.keys()`) */
  views: ReadonlyMap<Scope, Iterable<string>>
  /** The peer CAs the vault holds now */
  accepted: readonly PeerCa[]
  /** Fetch state per cell, as kept by the manager */
  fetched: ReadonlyMap<string, FetchState>
  /** The current peer record seq of a cell, if a record is known */
  seqOf(cellId: string): number | undefined
  now: number
}

export interface Plan {
  /** Cells no longer trusted for anything: remove their CA */
  remove: string[]
  /** CA already held and current: accept it again with these scopes */
  rescope: Array<{ cellId: string, caPem: string, scopes: string[] }>
  /** CA missing or stale: fetch it, then accept with these scopes */
  fetch: Array<{ cellId: string, scopes: string[], seq?: number }>
  /** Cells held but fetched before this process started: their state starts at the current seq */
  adopt: Array<{ cellId: string, seq?: number }>
  /** Cells no longer trusted whose fetch state can go */
  forget: string[]
}

/** For each trusted cell, the sorted vault scopes of every view that holds it. */
export function desiredScopes (views: ReadonlyMap<Scope, Iterable<string>>): Map<string, string[]> {
  const desired = new Map<string, string[]>()
  for (const scope of VIEW_SCOPES) {
    for (const cellId of views.get(scope) ?? []) {
      const scopes = desired.get(cellId) ?? []
      scopes.push(VAULT_SCOPE[scope])
      desired.set(cellId, scopes)
    }
  }
  for (const scopes of desired.values()) scopes.sort()
  return desired
}

function sameScopes (a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((scope, i) => scope === b[i])
}

export function planPeerCas (input: PlanInput): Plan {
  const desired = desiredScopes(input.views)
  const accepted = new Map(input.accepted.map(peer => [peer.cellId, peer]))
  const plan: Plan = { remove: [], rescope: [], fetch: [], adopt: [], forget: [] }

  for (const cellId of accepted.keys()) {
    if (!desired.has(cellId)) plan.remove.push(cellId)
  }
  for (const cellId of input.fetched.keys()) {
    if (!desired.has(cellId)) plan.forget.push(cellId)
  }

  for (const [cellId, scopes] of desired) {
    const held = accepted.get(cellId)
    const seq = input.seqOf(cellId)
    let state = input.fetched.get(cellId)

    // A CA accepted before a restart is taken as current: refetching every
    // trusted cell at each start would cost a dial per cell for nothing.
    // The next change of the cell's peer record fetches it again.
    if (held != null && state == null) {
      plan.adopt.push({ cellId, seq })
      state = { seq, failures: 0, retryAt: 0 }
    }

    const stale = held == null || state?.seq !== seq
    if (stale) {
      if ((state?.retryAt ?? 0) <= input.now) plan.fetch.push({ cellId, scopes, seq })
      // While a refetch waits, a CA still held keeps exactly the scopes trusted now.
      if (held != null && !sameScopes(held.scopes, scopes)) plan.rescope.push({ cellId, caPem: held.caPem, scopes })
      continue
    }
    if (!sameScopes(held.scopes, scopes)) plan.rescope.push({ cellId, caPem: held.caPem, scopes })
  }
  return plan
}
