/**
 * The CA's record of every certificate it issued (certificates.json): what
 * was issued, to which service credential it belongs, whether it was
 * renewed or revoked, and the CRL counter. It holds no key material. The
 * whole file is rewritten atomically on each change, so one write commits
 * an issue, a renewal (new entry plus superseded old one) or a revocation.
 */
import { join } from 'node:path'
import { z } from 'zod'
import { PUBLIC_MODE, readIfExists, writeFileAtomic } from './atomic-file.ts'
import { FILES } from './constants.ts'
import { REVOCATION_REASONS } from './crl.ts'
import { VaultCorruptError } from './errors.ts'

type Reason = keyof typeof REVOCATION_REASONS
const reasonNames = Object.keys(REVOCATION_REASONS) as [Reason, ...Reason[]]
const isoDate = z.iso.datetime()
const serial = z.string().regex(/^[0-9a-f]{2,40}$/)

const entrySchema = z.object({
  serial,
  commonName: z.string().max(256),
  sans: z.array(z.string().max(256)).max(1000),
  usage: z.array(z.enum(['server', 'client'])).min(1).max(2),
  days: z.number().int().positive(),
  notBefore: isoDate,
  notAfter: isoDate,
  credential: z.string().max(256).optional(),
  renewedFrom: serial.optional(),
  supersededBy: serial.optional(),
  revokedAt: isoDate.optional(),
  revocationReason: z.enum(reasonNames).optional()
})

const registrySchema = z.object({
  version: z.literal(1),
  certificates: z.array(entrySchema),
  crl: z.object({ number: z.number().int().nonnegative(), thisUpdate: isoDate.optional() })
})

/** One issued certificate as recorded on disk. */
export type RegistryEntry = z.infer<typeof entrySchema>

type RegistryData = z.infer<typeof registrySchema>

/** Lifecycle state of an issued certificate at a point in time. */
export type CertificateStatus = 'valid' | 'expired' | 'revoked' | 'superseded'

/** The status of `entry` at `now`; revocation wins over supersession over expiry. */
export function statusOf (entry: RegistryEntry, now: Date): CertificateStatus {
  if (entry.revokedAt != null) return 'revoked'
  if (entry.supersededBy != null) return 'superseded'
  if (Date.parse(entry.notAfter) <= now.getTime()) return 'expired'
  return 'valid'
}

/** Whether the entry is still the live certificate of its line (not revoked, not replaced). */
export function isActive (entry: RegistryEntry): boolean {
  return entry.revokedAt == null && entry.supersededBy == null
}

/** In-memory registry backed by certificates.json. */
export class Registry {
  readonly #path: string
  #data: RegistryData

  private constructor (path: string, data: RegistryData) {
    this.#path = path
    this.#data = data
  }

  /** Load the registry of the vault in `dir`, or start an empty one. */
  static async load (dir: string): Promise<Registry> {
    const path = join(dir, FILES.registry)
    const raw = await readIfExists(path)
    if (raw == null) {
      return new Registry(path, { version: 1, certificates: [], crl: { number: 0 } })
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(raw.toString('utf8'))
    } catch {
      throw new VaultCorruptError(FILES.registry, 'not valid JSON')
    }
    const result = registrySchema.safeParse(parsed)
    if (!result.success) {
      const issue = result.error.issues[0]
      throw new VaultCorruptError(FILES.registry, `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`)
    }
    return new Registry(path, result.data)
  }

  /** All entries, oldest first. Returned objects are copies. */
  entries (): RegistryEntry[] {
    return this.#data.certificates.map(entry => ({ ...entry }))
  }

  /** The entry with `serial`, if any. */
  get (serialNumber: string): RegistryEntry | undefined {
    const entry = this.#data.certificates.find(e => e.serial === serialNumber)
    return entry == null ? undefined : { ...entry }
  }

  /** The live certificate kept for credential `name`, if any. */
  credential (name: string): RegistryEntry | undefined {
    const entry = this.#data.certificates.findLast(e => e.credential === name && isActive(e))
    return entry == null ? undefined : { ...entry }
  }

  /** The CRL counter and the time of the last CRL. */
  crlState (): { number: number, thisUpdate?: string } {
    return { ...this.#data.crl }
  }

  /**
   * Apply `change` to a copy and persist it; the in-memory state only moves
   * on once the file is safely written, so a failed write changes nothing.
   */
  async commit (change: (data: RegistryData) => void): Promise<void> {
    const next = structuredClone(this.#data)
    change(next)
    await writeFileAtomic(this.#path, JSON.stringify(next, null, 2) + '\n', PUBLIC_MODE)
    this.#data = next
  }
}
