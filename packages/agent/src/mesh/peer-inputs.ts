/**
 * What the trust layer knows, turned into the mesh package's inputs: one
 * `MeshPeerInput` per cell trusted for at least one scope that has a live
 * peer record, plus the manual (non-cell) peers from the config. Pure, so
 * the mapping is tested without a network and replayed in simulations.
 */
import { cellPublicKeyRaw, deriveOverlayAddresses } from '@cell/trust'
import { MANUAL_PEER_PREFIX } from './constants.ts'
import type { ManualPeer } from './config-schema.ts'
import type { MeshPeerInput, OverlayPair } from '@cell/mesh'
import type { PeerRecord } from '@cell/trust'

/** The fields of a peer record the mesh reads. */
export type MeshPeerRecord = Pick<PeerRecord, 'cellId' | 'wgPublicKey' | 'wgEndpoints' | 'overlay' | 'advertisedPrefixes' | 'notAfter'>

export interface PeerInputSource {
  /** This cell's id; never its own peer */
  selfId: string
  /** For each scope, the cells its trust view holds (`view(scope).entries.keys()`) */
  views: ReadonlyMap<string, Iterable<string>>
  /** The newest peer record of a cell, if known */
  peerRecord(cellId: string): MeshPeerRecord | undefined
  manualPeers?: readonly ManualPeer[]
  /**
   * The time records are judged at. A peer record past its notAfter is not
   * used: a running cell renews its record well before then, so an expired
   * one belongs to a cell that has been gone for a day, and its endpoints
   * and key may no longer be its own.
   */
  now: number
}

export interface PeerInputs {
  peers: MeshPeerInput[]
  /** Trusted cells left out because no live peer record is held: none has arrived yet, or the last one expired */
  pending: string[]
  /** The earliest notAfter of the peer records used, when the inputs next change without any event (Infinity if none) */
  nextExpiry: number
}

/** Invert per-scope views into cell id → the scopes it is trusted for. */
export function scopesByCell (views: ReadonlyMap<string, Iterable<string>>, selfId: string): Map<string, Set<string>> {
  const scopes = new Map<string, Set<string>>()
  for (const [scope, cellIds] of views) {
    for (const cellId of cellIds) {
      if (cellId === selfId) continue
      let set = scopes.get(cellId)
      if (set == null) {
        set = new Set()
        scopes.set(cellId, set)
      }
      set.add(scope)
    }
  }
  return scopes
}

/**
 * The overlay addresses a record claims (the trust store checked them
 * against the key when it accepted the record), else the first derived
 * candidate. Null for an id that is not a cell id.
 */
function overlayOf (record: MeshPeerRecord): OverlayPair | null {
  if (record.overlay != null) return { ipv4: record.overlay.ipv4, ipv6: record.overlay.ipv6 }
  const key = cellPublicKeyRaw(record.cellId)
  return key == null ? null : deriveOverlayAddresses(key)
}

function manualInput (peer: ManualPeer): MeshPeerInput {
  return {
    cellId: `${MANUAL_PEER_PREFIX}${peer.name}`,
    wgPublicKey: peer.publicKey,
    endpoints: peer.endpoint == null ? [] : [peer.endpoint],
    overlay: { ipv4: peer.ipv4, ipv6: peer.ipv6 },
    advertisedPrefixes: [],
    // A manual peer is admitted to the mesh by the user who added it and
    // gets nothing more: no routes, no service ports.
    scopes: new Set(['mesh'])
  }
}

/** The peers the desired mesh state is computed from, in cell id order. */
export function meshPeerInputs (source: PeerInputSource): PeerInputs {
  const peers: MeshPeerInput[] = []
  const pending: string[] = []
  let nextExpiry = Infinity
  const trusted = scopesByCell(source.views, source.selfId)

  for (const cellId of [...trusted.keys()].sort()) {
    const record = source.peerRecord(cellId)
    const usable = record != null && record.cellId === cellId && record.notAfter >= source.now
    const overlay = usable ? overlayOf(record) : null
    if (record == null || overlay == null) {
      pending.push(cellId)
      continue
    }
    nextExpiry = Math.min(nextExpiry, record.notAfter)
    peers.push({
      cellId,
      wgPublicKey: record.wgPublicKey,
      endpoints: [...record.wgEndpoints],
      overlay,
      advertisedPrefixes: [...record.advertisedPrefixes],
      scopes: trusted.get(cellId) as Set<string>
    })
  }

  for (const peer of source.manualPeers ?? []) {
    peers.push(manualInput(peer))
  }
  return { peers, pending, nextExpiry }
}
