import assert from 'node:assert/strict'
import { FieldReader, FieldWriter } from '../../src/codec/fields.ts'
import { MAX_RECORD_BYTES, MINUTE } from '../../src/constants.ts'
import { classifyError } from '../../src/records/classify.ts'
import { openRecord, sealRecord } from '../../src/records/envelope.ts'
import { nextSeq } from '../../src/records/seq.ts'
import { DAY, NOW, attestation, createCell, keyNotice, peerRecord, sealedAttestation, sealedPeer } from '../fixtures/cells.ts'
import { prng } from '../fixtures/graphs.ts'
import type { TestCell } from '../fixtures/cells.ts'

/** Split an envelope into its four fields so tests can forge variants. */
function fields (envelope: Uint8Array): Uint8Array[] {
  const reader = new FieldReader(envelope)
  return [reader.bytes(), reader.bytes(), reader.bytes(), reader.bytes()]
}

function join (parts: Uint8Array[]): Uint8Array {
  const writer = new FieldWriter()
  for (const part of parts) writer.bytes(part)
  return writer.finish()
}

function code (fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    return (err as { code: string }).code
  }
  return 'no error'
}

describe('records/envelope', () => {
  let alice: TestCell
  let bob: TestCell

  before(async () => {
    alice = await createCell()
    bob = await createCell()
  })

  it('round-trips each record kind and names it by content hash', () => {
    const peer = openRecord(sealedPeer(alice), { now: NOW })
    assert.equal(peer.kind, 'peer-record')
    assert.deepEqual(peer.record, peerRecord(alice))
    assert.match(peer.id, /^[0-9a-f]{64}$/)

    const att = openRecord(sealedAttestation(alice, bob), { now: NOW })
    assert.equal(att.kind, 'attestation')
    assert.equal(att.subject, bob.id)
    assert.deepEqual(att.record, attestation(alice, bob))

    const notice = openRecord(sealRecord(alice.privateKey, 'key-notice', keyNotice(alice)), { now: NOW })
    assert.equal(notice.kind, 'key-notice')
    assert.equal(notice.subject, alice.id)
  })

  it('encodes deterministically', () => {
    assert.deepEqual(sealedAttestation(alice, bob), sealedAttestation(alice, bob))
  })

  it('refuses oversized, truncated and padded input', () => {
    const sealed = sealedPeer(alice)
    assert.equal(code(() => openRecord(new Uint8Array(MAX_RECORD_BYTES + 1), { now: NOW })), 'ERR_RECORD_TOO_LARGE')
    assert.equal(code(() => openRecord(sealed, { now: NOW, maxBytes: 100 })), 'ERR_RECORD_TOO_LARGE')
    assert.equal(code(() => openRecord(sealed.subarray(0, sealed.length - 1), { now: NOW })), 'ERR_RECORD_MALFORMED')
    assert.equal(code(() => openRecord(Uint8Array.of(...sealed, 0), { now: NOW })), 'ERR_RECORD_MALFORMED')
    assert.equal(code(() => openRecord(new Uint8Array(0), { now: NOW })), 'ERR_RECORD_MALFORMED')
    assert.equal(code(() => openRecord(Uint8Array.of(0x80, 0x00), { now: NOW })), 'ERR_RECORD_MALFORMED')
  })

  it('survives random garbage without crashing', () => {
    const random = prng(42)
    for (let i = 0; i < 500; i++) {
      const junk = new Uint8Array(Math.floor(random() * 600)).map(() => Math.floor(random() * 256))
      assert.notEqual(code(() => openRecord(junk, { now: NOW })), 'no error')
    }
  })

  it('detects a flipped payload byte, an unknown payload type and a foreign signer', () => {
    const [key, type, payload, signature] = fields(sealedAttestation(alice, bob))
    const flipped = Uint8Array.from(payload)
    flipped[flipped.length - 1] ^= 1
    assert.equal(code(() => openRecord(join([key, type, flipped, signature]), { now: NOW })), 'ERR_SIGNATURE_INVALID')
    assert.equal(code(() => openRecord(join([key, new TextEncoder().encode('/x/1'), payload, signature]), { now: NOW })), 'ERR_UNKNOWN_PAYLOAD_TYPE')

    const [bobKey] = fields(sealedPeer(bob))
    assert.equal(code(() => openRecord(join([bobKey, type, payload, signature]), { now: NOW })), 'ERR_WRONG_ISSUER')
  })

  it('refuses a signature made under another kind\'s domain', () => {
    const [key, type, payload] = fields(sealedPeer(alice))
    const wrong = new FieldWriter().string('pic-attestation').bytes(type).bytes(payload).finish()
    const forged = join([key, type, payload, alice.privateKey.sign(wrong) as Uint8Array])
    assert.equal(code(() => openRecord(forged, { now: NOW })), 'ERR_WRONG_DOMAIN')
  })

  it('refuses to seal invalid or foreign records', () => {
    assert.equal(code(() => sealRecord(alice.privateKey, 'peer-record', peerRecord(bob))), 'ERR_WRONG_ISSUER')
    assert.equal(code(() => sealRecord(alice.privateKey, 'peer-record', peerRecord(alice, { name: 'Alice' }))), 'ERR_INVALID_RECORD')
    assert.equal(code(() => sealRecord(alice.privateKey, 'peer-record', peerRecord(alice, { wgEndpoints: ['nope'] }))), 'ERR_INVALID_RECORD')
    assert.equal(code(() => sealRecord(alice.privateKey, 'attestation', attestation(alice, alice))), 'ERR_INVALID_RECORD')
    assert.equal(code(() => sealRecord(alice.privateKey, 'attestation', attestation(alice, bob, { maxDepth: 5 }))), 'ERR_INVALID_RECORD')
    assert.equal(code(() => sealRecord(alice.privateKey, 'key-notice', keyNotice(alice, { kind: 'rotated' }))), 'ERR_INVALID_RECORD')
  })

  it('refuses an overlay claim that is not derived from the key', () => {
    const claim = peerRecord(bob).overlay
    assert.equal(code(() => openRecord(sealedPeer(alice, { overlay: claim }), { now: NOW })), 'ERR_OVERLAY_CLAIM_INVALID')
    assert.equal(openRecord(sealedPeer(alice, { overlay: undefined }), { now: NOW }).kind, 'peer-record')
  })

  it('checks the validity window with clock skew', () => {
    const sealed = sealedAttestation(alice, bob, { notBefore: NOW + 10 * MINUTE, notAfter: NOW + DAY })
    assert.equal(code(() => openRecord(sealed, { now: NOW })), 'ERR_RECORD_FROM_FUTURE')
    assert.equal(openRecord(sealed, { now: NOW + 6 * MINUTE }).kind, 'attestation')
    assert.equal(code(() => openRecord(sealed, { now: NOW + DAY + 1 })), 'ERR_RECORD_EXPIRED')
    assert.equal(code(() => openRecord(sealedPeer(alice), { now: NOW - 6 * MINUTE })), 'ERR_RECORD_FROM_FUTURE')
  })

  it('classifies provable forgery as reject and timing problems as ignore', () => {
    const verdict = (fn: () => unknown): string => { try { fn() } catch (err) { return classifyError(err) } return 'none' }
    assert.equal(verdict(() => openRecord(new Uint8Array(5000), { now: NOW })), 'reject')
    assert.equal(verdict(() => openRecord(Uint8Array.of(1), { now: NOW })), 'reject')
    assert.equal(verdict(() => openRecord(sealedPeer(alice), { now: NOW + 2 * DAY })), 'ignore')
    assert.equal(classifyError(new Error('disk full')), 'ignore')
  })

  it('issues seqs above both the last seq and the clock', () => {
    assert.equal(nextSeq(5, NOW), NOW)
    assert.equal(nextSeq(NOW + 10, NOW), NOW + 11)
    assert.equal(nextSeq(BigInt(NOW + 10), NOW), NOW + 11)
    assert.throws(() => nextSeq(Number.MAX_SAFE_INTEGER, NOW), RangeError)
  })
})
