/**
 * A simulated cell's database: one in-memory level per cell (memory-level,
 * the in-memory twin of the agent's LevelDB), its trust store preloaded
 * with the initial state, and the sublevel for the verified set.
 */
import { MemoryLevel } from 'memory-level'
import { QUARANTINE_CAPACITY } from '../constants.ts'
import { fullKnowledgeHorizon, preloadStore } from './initial-state.ts'
import { ObservedStore } from './observed-store.ts'
import type { InitialState } from './initial-state.ts'
import type { StoredListener } from './observed-store.ts'
import type { Identity } from './identities.ts'
import type { TrustDb } from '@cell/trust'

export interface CellDatabase {
  store: ObservedStore
  /** Sublevel for the verified set (typed loosely: abstract-level's sublevel types do not line up) */
  verified: unknown
}

export async function openCellDatabase (identity: Identity, state: InitialState, onStored: StoredListener): Promise<CellDatabase> {
  const root = new MemoryLevel<string, Uint8Array>({ keyEncoding: 'utf8', valueEncoding: 'view' })
  const trust = root.sublevel<string, Uint8Array>('trust', { keyEncoding: 'utf8', valueEncoding: 'view' }) as unknown as TrustDb
  await preloadStore(trust, fullKnowledgeHorizon(identity.id, state), state)
  const store = new ObservedStore({ db: trust, selfId: identity.id, quarantineCapacity: QUARANTINE_CAPACITY }, onStored)
  const verified = root.sublevel<string, Uint8Array>('verified', { keyEncoding: 'utf8', valueEncoding: 'view' })
  return { store, verified }
}
