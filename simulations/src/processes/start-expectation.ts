/**
 * What processes-mode set-up waits for: per cell, the view and the start
 * attestations it would hold with full knowledge of the start state, and
 * whether a cell's snapshot shows exactly that.
 */
import { TrustEngine } from '@cell/trust'
import { fullKnowledgeHorizon } from '../core/initial-state.ts'
import type { CellSnapshot } from './cell-snapshot.ts'
import type { Identity } from '../core/identities.ts'
import type { InitialState } from '../core/initial-state.ts'

export interface StartExpectation {
  /** Mesh-scope view */
  view: Set<string>
  /** `issuer>subject` of each start attestation the cell keeps (its issuer is inside the cell's horizon) */
  held: string[]
}

export function expectedStart (identities: Identity[], state: InitialState, now: number): StartExpectation[] {
  return identities.map(identity => {
    const engine = new TrustEngine({ selfId: identity.id })
    for (const attestation of state.attestations) engine.upsert(attestation)
    const horizon = fullKnowledgeHorizon(identity.id, state)
    return {
      view: new Set(engine.view('mesh', now).entries.keys()),
      held: state.attestations.filter(a => horizon.has(a.issuer)).map(a => `${a.issuer}>${a.subject}`)
    }
  })
}

/** Whether the snapshot's view and WireGuard peers are the expected view, and it holds every expected attestation. */
export function matchesStart (snapshot: CellSnapshot, expected: StartExpectation): boolean {
  const { view, meshPeers, attestations } = snapshot
  if (!sameSet(new Set(view.entries.keys()), expected.view) || !sameSet(meshPeers, expected.view)) return false
  const held = new Set(attestations.filter(a => a.level !== 'none').map(a => `${a.issuer}>${a.subject}`))
  return expected.held.every(pair => held.has(pair))
}

export function sameSet (a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every(id => b.has(id))
}
