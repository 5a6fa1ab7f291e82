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

/** The longest delay a Node.js timer takes; a longer one fires at once. */
const MAX_TIMER_DELAY = 2 ** 31 - 1

/**
 * Milliseconds until `record` should be looked at again: when it is due
 * for a new issue, or the longest timer Node.js allows, whichever is
 * sooner (a record from a longer-lived configuration is checked again
 * then, and kept if still current).
 */
export function renewalDelay (record: PeerRecord, now: number): number {
  return Math.min(MAX_TIMER_DELAY, Math.max(0, record.notAfter - PEER_RECORD_REFRESH - now))
}
