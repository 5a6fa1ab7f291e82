/**
 * The cells the DNS zone names: this cell (distance 0) and every cell in
 * the trust view for scope `dns`, joined with the name and overlay
 * addresses of its signed peer record. A trusted cell without a live peer
 * record has no name to serve and is left out until its record arrives.
 */
import { cellPublicKeyRaw, deriveOverlayAddresses } from '@cell/trust'
import type { Cell } from '@cell/services'
import type { PeerRecord, TrustEntry } from '@cell/trust'

export interface DnsCellsInput {
  selfId: string
  selfName: string
  /** Entries of the `dns` trust view (this cell is not among them) */
  trusted: Iterable<TrustEntry>
  peerRecord(cellId: string): PeerRecord | undefined
  now: number
}

/** This cell's own overlay addresses, derived from its key. */
export function selfOverlay (selfId: string): { ipv4: string, ipv6: string } | undefined {
  const publicKey = cellPublicKeyRaw(selfId)
  return publicKey == null ? undefined : deriveOverlayAddresses(publicKey)
}

export function dnsCells (input: DnsCellsInput): Cell[] {
  const cells: Cell[] = [{ cellId: input.selfId, name: input.selfName, distance: 0, ...selfOverlay(input.selfId) }]

  for (const entry of input.trusted) {
    const record = input.peerRecord(entry.cellId)
    if (record == null || record.notAfter < input.now) continue
    cells.push({
      cellId: entry.cellId,
      name: record.name,
      distance: entry.distance,
      ...(record.overlay != null ? { ipv4: record.overlay.ipv4, ipv6: record.overlay.ipv6 } : {})
    })
  }
  return cells
}
