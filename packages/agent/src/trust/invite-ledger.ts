/**
 * The invites this cell has issued, kept in the database so that a token
 * is redeemable once, even across restarts. The secret is stored to check
 * the joiner's proof; the entry is marked used before any trust is given,
 * so a crash mid-redemption can never let a token work twice.
 */
import type { Sublevel } from '../storage/database.ts'
import type { Scope } from '@cell/trust'

export interface IssuedInvite {
  id: string
  secret: string
  level: 'full' | 'marginal'
  scopes: Scope[]
  expiresAt: number
  createdAt: number
  usedBy?: string
  usedAt?: number
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

export class InviteLedger {
  private readonly db: Sublevel

  constructor (db: Sublevel) {
    this.db = db
  }

  async add (invite: IssuedInvite): Promise<void> {
    await this.db.put(invite.id, encoder.encode(JSON.stringify(invite)))
  }

  async get (id: string): Promise<IssuedInvite | undefined> {
    if (!/^[0-9a-f]{64}$/.test(id)) return undefined
    const value = await this.db.get(id)
    return value == null ? undefined : JSON.parse(decoder.decode(value)) as IssuedInvite
  }

  async markUsed (id: string, usedBy: string, now: number): Promise<void> {
    const invite = await this.get(id)
    if (invite == null) return
    await this.db.put(id, encoder.encode(JSON.stringify({ ...invite, usedBy, usedAt: now })))
  }

  async list (): Promise<IssuedInvite[]> {
    const out: IssuedInvite[] = []
    for await (const value of this.db.values()) {
      out.push(JSON.parse(decoder.decode(value)) as IssuedInvite)
    }
    return out
  }
}
