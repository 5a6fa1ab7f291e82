/**
 * Cells whose identity the user confirmed out of band (an invite, or a
 * fingerprint compared by voice or QR). Kept in the database; the metric
 * treats them as verified roots of trust.
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

export class VerifiedSet {
  private readonly db: Sublevel
  private readonly ids = new Set<string>()

  constructor (db: Sublevel) {
    this.db = db
  }

  async load (): Promise<void> {
    for await (const key of this.db.keys()) this.ids.add(key)
  }

  async add (cellId: string): Promise<void> {
    await this.db.put(cellId, new Uint8Array(0))
    this.ids.add(cellId)
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

  values (): string[] {
    return [...this.ids]
  }
}
