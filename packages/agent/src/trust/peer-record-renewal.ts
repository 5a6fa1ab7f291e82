/**
 * When this cell's peer record needs a new issue. A record lives
 * PEER_RECORD_LIFETIME (24 h); it is re-issued when its content changed
 * (addresses, keys, services) or when less than PEER_RECORD_REFRESH (12 h)
 * of it is left. A restart with nothing changed spreads the record it has:
 * a new seq would make every cell that keeps this one verify and store a
 * record that says the same thing, and a whole network restarting at once
 * (a power cut, a simulation) would flood itself with them.
 */
import { PEER_RECORD_REFRESH } from './constants.ts'
import type { PeerRecord } from '@cell/trust'

type Content = Omit<PeerRecord, 'cellId' | 'seq' | 'issuedAt' | 'notAfter'>

/** Whether `current` still says everything `content` says and has long enough to live. */
export function stillCurrent (current: PeerRecord | undefined, content: Content, now: number): current is PeerRecord {
  if (current == null || current.notAfter - now <= PEER_RECORD_REFRESH || current.issuedAt > now) return false
  const fields = new Set([...Object.keys(content), ...Object.keys(current)])
  for (const field of ['cellId', 'seq', 'issuedAt', 'notAfter']) fields.delete(field)
  for (const field of fields) {
    if (JSON.stringify((content as Record<string, unknown>)[field]) !== JSON.stringify((current as unknown as Record<string, unknown>)[field])) return false
  }
  return true
}

/** Milliseconds until `record` is due for a new issue (never negative). */
export function renewalDelay (record: PeerRecord, now: number): number {
  return Math.max(0, record.notAfter - PEER_RECORD_REFRESH - now)
}
