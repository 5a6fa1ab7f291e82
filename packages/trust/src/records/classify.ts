/**
 * Gossip verdicts for errors. libp2p gossipsub validators answer 'reject'
 * (the sender misbehaved: penalise it, do not forward) or 'ignore' (drop
 * quietly: the message may be fine but is useless to us now).
 */
import {
  InvalidRecordError, OverlayClaimInvalidError, RecordMalformedError, RecordTooLargeError, SignatureInvalidError,
  UnsupportedKeyError, WrongDomainError, WrongIssuerError
} from '../errors.ts'

export type Verdict = 'reject' | 'ignore'

/**
 * Provably bad bytes: nobody honest produces them. Everything else (stale,
 * expired, from a slightly fast clock, duplicate, outside the horizon,
 * unknown newer payload types, our own storage failures) is 'ignore', so
 * an honest peer is never penalised for timing or for running a newer
 * version.
 */
const REJECT = new Set<string>([
  RecordTooLargeError.code,
  RecordMalformedError.code,
  InvalidRecordError.code,
  UnsupportedKeyError.code,
  SignatureInvalidError.code,
  WrongDomainError.code,
  WrongIssuerError.code,
  OverlayClaimInvalidError.code
])

export function classifyError (err: unknown): Verdict {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' && REJECT.has(code) ? 'reject' : 'ignore'
}
