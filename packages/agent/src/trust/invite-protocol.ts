/**
 * Invite redemption over a libp2p stream. The joiner dials the inviter
 * named in the token and proves it holds the token's secret without
 * sending it: the inviter sends a random challenge, the joiner answers
 * with HMAC(secret, challenge, joiner id). The joiner's id is the one Noise
 * authenticated for this connection, so a proof cannot be replayed by
 * another cell. On success each side attests the other at the invite's
 * level and scopes, and records it as verified by invite (which names the
 * trust's source, but grants nothing beyond those scopes).
 *
 * Messages are length-prefixed JSON:
 *   joiner  → { inviteId }
 *   inviter → { challenge } | { error: { code, message } }
 *   joiner  → { proof }
 *   inviter → { ok: true, level, scopes } | { error }
 */
import { randomBytes } from 'node:crypto'
import { inviteProof, parseInvite, verifyInviteProof } from '@cell/trust'
import { lpStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { CellError, InvalidInputError } from '../errors.ts'
import { INVITE_PROTOCOL, INVITE_TIMEOUT } from './constants.ts'
import type { InviteLedger } from './invite-ledger.ts'
import type { TrustNode } from './trust-node.ts'
import type { VerifiedSet } from './verified-set.ts'
import type { Invite, Scope } from '@cell/trust'
import type { Stream } from '@libp2p/interface'
import type { Logger } from 'pino'

const MAX_MESSAGE = 4096

export class InviteRefusedError extends CellError {
  static readonly code = 'ERR_INVITE_REFUSED'
  /** The inviter's reason code, such as ERR_INVITE_USED */
  readonly remoteCode: string

  constructor (message: string, remoteCode = 'ERR_INVITE_REFUSED') {
    super(message, InviteRefusedError.code, 409)
    this.name = 'InviteRefusedError'
    this.remoteCode = remoteCode
  }
}

async function send (lp: ReturnType<typeof lpStream<Stream>>, value: unknown, signal: AbortSignal): Promise<void> {
  await lp.write(new TextEncoder().encode(JSON.stringify(value)), { signal })
}

async function receive (lp: ReturnType<typeof lpStream<Stream>>, signal: AbortSignal): Promise<Record<string, unknown>> {
  const bytes = (await lp.read({ signal })).subarray()
  const value: unknown = JSON.parse(new TextDecoder().decode(bytes))
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('invite message is not an object')
  return value as Record<string, unknown>
}

export interface InviteProtocolInit {
  node: TrustNode
  ledger: InviteLedger
  verified: VerifiedSet
  log: Logger
  now(): number
  onVerified(): void
}

/** Inviter side: answer redemption attempts. */
export async function handleInviteStreams (init: InviteProtocolInit): Promise<void> {
  await init.node.libp2p.handle(INVITE_PROTOCOL, async (stream, connection) => {
    const signal = AbortSignal.timeout(INVITE_TIMEOUT)
    const joiner = connection.remotePeer.toString()
    const lp = lpStream(stream, { maxDataLength: MAX_MESSAGE })
    const refuse = async (code: string, message: string): Promise<void> => {
      init.log.info({ joiner, code }, 'refused invite redemption by %s: %s', joiner, message)
      await send(lp, { error: { code, message } }, signal)
      await stream.close({ signal })
    }

    try {
      const hello = await receive(lp, signal)
      const invite = await init.ledger.get(String(hello.inviteId ?? ''))
      if (invite == null) { await refuse('ERR_INVITE_UNKNOWN', 'this cell issued no such invite'); return }
      if (invite.usedBy != null) { await refuse('ERR_INVITE_USED', 'this invite has already been used'); return }
      if (invite.expiresAt < init.now()) { await refuse('ERR_INVITE_EXPIRED', 'this invite has expired'); return }

      const challenge = randomBytes(32)
      await send(lp, { challenge: challenge.toString('base64') }, signal)
      const answer = await receive(lp, signal)
      const proof = Buffer.from(String(answer.proof ?? ''), 'base64')
      if (!verifyInviteProof(Buffer.from(invite.secret, 'hex'), challenge, joiner, proof)) {
        await refuse('ERR_INVITE_PROOF', 'the proof does not match this invite')
        return
      }

      // Burn the invite before giving trust: a crash after this point
      // loses at most one redemption, never allows two.
      await init.ledger.markUsed(invite.id, joiner, init.now())
      await init.verified.add(joiner, 'invite')
      init.onVerified()
      await init.node.attest({ subject: joiner, level: invite.level, scopes: invite.scopes })
      await send(lp, { ok: true, level: invite.level, scopes: invite.scopes }, signal)
      await stream.close({ signal })
      init.log.info({ joiner }, 'invite redeemed by %s', joiner)
    } catch (err) {
      init.log.info({ err, joiner }, 'invite redemption by %s failed', joiner)
      stream.abort(err as Error)
    }
  })
}

export interface JoinResult {
  inviterId: string
  level: 'full' | 'marginal'
  scopes: Scope[]
}

/** Joiner side: redeem a token with the inviter it names. */
export async function redeemInvite (init: InviteProtocolInit, token: string): Promise<JoinResult> {
  let invite: Invite
  try {
    invite = parseInvite(token, init.now())
  } catch (err) {
    const code = (err as { code?: string }).code ?? 'ERR_INVITE_MALFORMED'
    const reason = code === 'ERR_INVITE_EXPIRED'
      ? 'this invite has expired; ask for a new one'
      : code === 'ERR_INVITE_TAMPERED' ? 'this invite was altered or damaged (signature check failed)' : 'this is not a valid invite token'
    throw new InvalidInputError(`Invite refused: ${reason}`, { code })
  }
  if (invite.inviterId === init.node.selfId) {
    throw new InvalidInputError('Invite refused: this invite was issued by this cell itself')
  }

  const signal = AbortSignal.timeout(INVITE_TIMEOUT)
  const libp2p = init.node.libp2p
  const addresses = invite.multiaddrs.map(address => multiaddr(address.includes('/p2p/') ? address : `${address}/p2p/${invite.inviterId}`))
  let stream: Stream | undefined
  let lastError: unknown
  for (const address of addresses) {
    try {
      stream = await libp2p.dialProtocol(address, INVITE_PROTOCOL, { signal })
      break
    } catch (err) {
      lastError = err
    }
  }
  if (stream == null) {
    throw new CellError(`Cannot reach the inviter ${invite.inviterId}: ${(lastError as Error | undefined)?.message ?? 'no address'}`, 'ERR_INVITER_UNREACHABLE', 502)
  }

  const lp = lpStream(stream, { maxDataLength: MAX_MESSAGE })
  await converse(lp, invite, init.node.selfId, signal).catch(err => {
    if (err instanceof CellError) throw err
    throw new CellError(`The inviter ${invite.inviterId} broke off the invite exchange: ${(err as Error).message}`, 'ERR_INVITE_EXCHANGE', 502)
  })
  await stream.close({ signal }).catch(() => {})

  await init.verified.add(invite.inviterId, 'invite')
  init.onVerified()
  await init.node.attest({ subject: invite.inviterId, level: invite.level, scopes: invite.scopes })
  // Catch up at once rather than waiting for the next periodic round.
  await init.node.syncWith(libp2p.getPeers().find(peer => peer.toString() === invite.inviterId) ?? (await libp2p.dial(addresses[0], { signal })).remotePeer).catch(() => {})
  return { inviterId: invite.inviterId, level: invite.level, scopes: invite.scopes }
}

/** The joiner's half of the exchange: id, challenge, proof, outcome. */
async function converse (lp: ReturnType<typeof lpStream<Stream>>, invite: Invite, selfId: string, signal: AbortSignal): Promise<void> {
  await send(lp, { inviteId: invite.id }, signal)
  const challenge = await receive(lp, signal)
  if (challenge.error != null) {
    const error = challenge.error as { code?: string, message?: string }
    throw new InviteRefusedError(`Invite refused by the inviter: ${error.message ?? 'unknown reason'}`, error.code)
  }
  const proof = inviteProof(invite.secret, Buffer.from(String(challenge.challenge ?? ''), 'base64'), selfId)
  await send(lp, { proof: Buffer.from(proof).toString('base64') }, signal)
  const outcome = await receive(lp, signal)
  if (outcome.ok !== true) {
    const error = (outcome.error ?? {}) as { code?: string, message?: string }
    throw new InviteRefusedError(`Invite refused by the inviter: ${error.message ?? 'unknown reason'}`, error.code)
  }
}
