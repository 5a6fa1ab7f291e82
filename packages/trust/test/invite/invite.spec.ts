import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { createInvite, parseInvite } from '../../src/invite/invite.ts'
import { inviteProof, verifyInviteProof } from '../../src/invite/proof.ts'
import { DAY, NOW, createCell } from '../fixtures/cells.ts'
import type { TestCell } from '../fixtures/cells.ts'

describe('invite', () => {
  let inviter: TestCell
  let other: TestCell

  before(async () => {
    inviter = await createCell()
    other = await createCell()
  })

  function make (): ReturnType<typeof createInvite> {
    return createInvite({
      privateKey: inviter.privateKey,
      inviterId: inviter.id,
      multiaddrs: ['/ip4/127.0.0.1/tcp/4001'],
      level: 'full',
      scopes: ['mesh', 'dns'],
      expiresAt: NOW + DAY,
      now: NOW
    })
  }

  it('round-trips a token', () => {
    const created = make()
    assert.match(created.token, /^pic1[A-Za-z0-9_-]+$/)
    const invite = parseInvite(created.token, NOW)
    assert.equal(invite.id, created.id)
    assert.equal(invite.inviterId, inviter.id)
    assert.deepEqual(invite.scopes, ['mesh', 'dns'])
    assert.deepEqual(invite.secret, created.secret)
    assert.notEqual(make().id, created.id, 'every invite has a fresh secret')
  })

  it('detects tampering, malformed tokens and expiry', () => {
    const { token } = make()
    const bytes = Buffer.from(token.slice(4), 'base64url')
    bytes[bytes.length - 70] ^= 1
    assert.throws(() => parseInvite('pic1' + bytes.toString('base64url'), NOW), { code: 'ERR_INVITE_TAMPERED' })
    assert.throws(() => parseInvite('pic2' + token.slice(4), NOW), { code: 'ERR_INVITE_MALFORMED' })
    assert.throws(() => parseInvite(token.slice(0, 40), NOW), { code: 'ERR_INVITE_MALFORMED' })
    assert.throws(() => parseInvite(token + '!', NOW), { code: 'ERR_INVITE_MALFORMED' })
    assert.throws(() => parseInvite('pic1' + 'A'.repeat(5000), NOW), { code: 'ERR_INVITE_MALFORMED' })
    assert.throws(() => parseInvite(token, NOW + 2 * DAY), { code: 'ERR_INVITE_EXPIRED' })
  })

  it('refuses to create an invite for someone else\'s id or in the past', () => {
    assert.throws(() => createInvite({ ...optionsOf(), inviterId: other.id }), { code: 'ERR_WRONG_ISSUER' })
    assert.throws(() => createInvite({ ...optionsOf(), expiresAt: NOW - 1 }), { code: 'ERR_INVALID_RECORD' })
  })

  function optionsOf (): Parameters<typeof createInvite>[0] {
    return { privateKey: inviter.privateKey, multiaddrs: [], level: 'marginal', scopes: ['*'], expiresAt: NOW + DAY, now: NOW }
  }

  it('binds proofs to the secret, challenge and joiner', () => {
    const { secret } = make()
    const challenge = randomBytes(32)
    const proof = inviteProof(secret, challenge, other.id)
    assert.ok(verifyInviteProof(secret, challenge, other.id, proof))
    assert.ok(!verifyInviteProof(secret, challenge, inviter.id, proof))
    assert.ok(!verifyInviteProof(secret, randomBytes(32), other.id, proof))
    assert.ok(!verifyInviteProof(randomBytes(32), challenge, other.id, proof))
    assert.ok(!verifyInviteProof(secret, challenge, other.id, proof.subarray(1)))
  })
})
