/**
 * Cells whose identity was confirmed out of band, and how:
 *
 * - `fingerprint`: the user compared the cell's short code by voice or QR
 *   (`cell trust verify`). The metric treats these as verified roots of
 *   trust in every scope.
 * - `invite`: the cell redeemed (or issued) an invite with this cell. The
 *   identity is proven the same way, but the trust comes from the
 *   attestations both sides made at the invite's level and scopes; making
 *   it a root would widen an invite for `mesh` to every scope.
 *
 * Both count as "verified" when a trusted cell's source is shown.
 */
import { createHash } from 'node:crypto'
import { cellPublicKeyRaw } from '@cell/trust'
import { InvalidInputError } from '../errors.ts'
import type { Sublevel } from '../storage/database.ts'

/**
 * A short code people can compare: 80 bits of SHA-256 over the cell's
 * public key, as five groups of four hex digits.
 */
export function fingerprint (cellId: string): string {
  const raw = cellPublicKeyRaw(cellId)
  if (raw == null) throw new InvalidInputError(`"${cellId}" is not a cell id`)
  const digest = createHash('sha256').update(raw).digest('hex').slice(0, 20)
  return digest.match(/.{4}/g)?.join('-') ?? digest
}

export function normaliseFingerprint (value: string): string {
  return value.toLowerCase().replace(/[^0-9a-f]/g, '')
}

export type VerificationMethod = 'fingerprint' | 'invite'

export class VerifiedSet {
  private readonly db: Sublevel
  private readonly ids = new Map<string, VerificationMethod>()

  constructor (db: Sublevel) {
    this.db = db
  }

  async load (): Promise<void> {
    for await (const [key, value] of this.db.iterator()) {
      // Entries written before methods were recorded are empty: fingerprints.
      this.ids.set(key, new TextDecoder().decode(value) === 'invite' ? 'invite' : 'fingerprint')
    }
  }

  /** Record a verification; a fingerprint check outranks an invite. */
  async add (cellId: string, method: VerificationMethod = 'fingerprint'): Promise<void> {
    const next = this.ids.get(cellId) === 'fingerprint' ? 'fingerprint' : method
    await this.db.put(cellId, new TextEncoder().encode(next))
    this.ids.set(cellId, next)
  }

  async delete (cellId: string): Promise<boolean> {
    if (!this.ids.has(cellId)) return false
    await this.db.del(cellId)
    this.ids.delete(cellId)
    return true
  }

  has (cellId: string): boolean {
    return this.ids.has(cellId)
  }

  /** Every verified cell, however it was verified. */
  values (): string[] {
    return [...this.ids.keys()]
  }

  /** The cells the metric takes as verified roots: fingerprint checks. */
  roots (): string[] {
    return [...this.ids].filter(([, method]) => method === 'fingerprint').map(([id]) => id)
  }
}
