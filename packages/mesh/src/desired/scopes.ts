import { SCOPE_ALL } from '../constants.ts'
import type { MeshPeerInput } from '../types.ts'

/** Whether the local cell grants `scope` to the peer (directly or through '*'). */
export function hasScope (peer: MeshPeerInput, scope: string): boolean {
  return peer.scopes.has(scope) || peer.scopes.has(SCOPE_ALL)
}
