/**
 * Following other cells' key rotations. A `rotated` key notice, signed by
 * a cell's old key, names its new key. The metric does not carry trust
 * from one key to another, so the new key is trusted by nobody until the
 * cells that vouched for the old one vouch for it. This cell does its part:
 * for each cell it attests itself whose key was rotated, it attests the
 * successor once, with the same level, scopes, depth and expiry.
 *
 * A rotation is only as good as the old key, and a thief holding it could
 * "rotate" it to a key of their own. The owner's answer is a `compromised`
 * notice for the same key, which the store keeps over any rotation; when
 * one arrives, the attestations made here by following that key are
 * revoked.
 *
 * The follows made are kept in the database, so a restart neither repeats
 * nor forgets them. A cell this cell already attests (or revoked) by hand
 * is never followed to, and its attestations are never touched.
 */
import type { TrustNode } from './trust-node.ts'
import type { Sublevel } from '../storage/database.ts'
import type { Attestation, TrustStore } from '@cell/trust'
import type { Logger } from 'pino'

export interface RotationFollowerInit {
  selfId: string
  store: TrustStore
  node: Pick<TrustNode, 'attest' | 'revoke'>
  /** successor cell id → the retired cell id it was followed from */
  db: Sublevel
  log: Logger
  now?(): number
}

export class RotationFollower {
  private readonly init: RotationFollowerInit
  private readonly followed = new Map<string, string>()
  private queue: Promise<void> = Promise.resolve()

  constructor (init: RotationFollowerInit) {
    this.init = init
  }

  async load (): Promise<void> {
    for await (const [successor, value] of this.init.db.iterator()) {
      this.followed.set(successor, new TextDecoder().decode(value))
    }
  }

  /** Successor → predecessor, for every follow in force. */
  follows (): ReadonlyMap<string, string> {
    return this.followed
  }

  /** Bring the follows in line with the key notices the store holds; runs one at a time. */
  async reconcile (): Promise<void> {
    const run = this.queue.then(async () => { await this.reconcileOnce() })
    this.queue = run.catch(err => { this.init.log.warn({ err }, 'following key rotations failed: %s', (err as Error).message) })
    return run
  }

  private async reconcileOnce (): Promise<void> {
    const { store, selfId } = this.init
    // A cell whose own key is retired can sign neither a follow nor its revocation.
    if (store.keyNotice(selfId) != null) return
    const now = this.init.now?.() ?? Date.now()
    const own = new Map<string, Attestation>()
    for (const { record } of store.attestations()) {
      if (record.issuer === selfId) own.set(record.subject, record)
    }

    for (const notice of store.keyNotices()) {
      if (notice.issuer === selfId) continue
      if (notice.kind === 'compromised') {
        await this.unfollow(notice.issuer, own)
        continue
      }

      const successor = notice.successor
      const vouched = own.get(notice.issuer)
      if (successor == null || successor === selfId || own.has(successor) || this.followed.has(successor)) continue
      if (vouched == null || vouched.level === 'none' || vouched.notAfter <= now) continue
      await this.init.node.attest({ subject: successor, level: vouched.level, scopes: vouched.scopes, maxDepth: vouched.maxDepth, notAfter: vouched.notAfter })
      await this.init.db.put(successor, new TextEncoder().encode(notice.issuer))
      this.followed.set(successor, notice.issuer)
      this.init.log.info({ from: notice.issuer, to: successor }, 'followed the key rotation of %s to %s', notice.issuer, successor)
    }
  }

  /** Revoke what was attested by following a key now declared compromised. */
  private async unfollow (compromised: string, own: ReadonlyMap<string, Attestation>): Promise<void> {
    for (const [successor, predecessor] of this.followed) {
      if (predecessor !== compromised) continue
      if (own.get(successor)?.level !== 'none') await this.init.node.revoke(successor)
      await this.init.db.del(successor)
      this.followed.delete(successor)
      this.init.log.warn({ from: compromised, to: successor }, 'revoked %s: it was followed from %s, whose key is now declared compromised', successor, compromised)
    }
  }
}
