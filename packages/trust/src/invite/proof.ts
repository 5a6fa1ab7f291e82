/**
 * Proof that a joiner holds an invite's secret, bound to the inviter's
 * fresh challenge and to the joiner's cell id, so a proof can be neither
 * replayed nor relayed for another cell.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { FieldWriter } from '../codec/fields.ts'

const DOMAIN = 'pic-invite-proof'

/** HMAC-SHA256 keyed by the secret over domain, challenge and joiner id. */
export function inviteProof (secret: Uint8Array, challenge: Uint8Array, joinerId: string): Uint8Array {
  const data = new FieldWriter().string(DOMAIN).bytes(challenge).string(joinerId).finish()
  return new Uint8Array(createHmac('sha256', secret).update(data).digest())
}

/** Constant-time check of a proof (the length is public: always 32). */
export function verifyInviteProof (secret: Uint8Array, challenge: Uint8Array, joinerId: string, proof: Uint8Array): boolean {
  const expected = inviteProof(secret, challenge, joinerId)
  return proof.byteLength === expected.byteLength && timingSafeEqual(expected, proof)
}
