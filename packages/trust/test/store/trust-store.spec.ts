import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Level } from 'level'
import { sealRecord } from '../../src/records/envelope.ts'
import { TrustStore } from '../../src/store/trust-store.ts'
import { DAY, NOW, createCells, keyNotice, sealedAttestation, sealedPeer } from '../fixtures/cells.ts'
import type { TestCell } from '../fixtures/cells.ts'

describe('store/trust-store', () => {
  let dir: string
  let root: Level<string, Uint8Array>
  let self: TestCell
  let friend: TestCell
  let stranger: TestCell

  before(async () => {
    [self, friend, stranger] = await createCells(3)
  })

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trust-store-'))
    root = new Level<string, Uint8Array>(dir, { valueEncoding: 'view' })
  })

  afterEach(async () => {
    await root.close()
    await rm(dir, { recursive: true, force: true })
  })

  async function openStore (options: { quarantineCapacity?: number, maxRecordsPerIssuer?: number } = {}): Promise<TrustStore> {
    const store = new TrustStore({ db: root.sublevel<string, Uint8Array>('trust', { valueEncoding: 'view' }), selfId: self.id, ...options })
    await store.open()
    return store
  }

  it('accepts, deduplicates and refuses replays of older seqs', async () => {
    const store = await openStore()
    const first = sealedAttestation(self, friend, { seq: NOW + 1 })
    assert.equal((await store.ingest(first, { now: NOW })).status, 'accepted')
    assert.equal((await store.ingest(first, { now: NOW })).status, 'duplicate')
    assert.equal((await store.ingest(sealedAttestation(self, friend, { seq: NOW + 5 }), { now: NOW })).status, 'accepted')
    assert.equal((await store.ingest(first, { now: NOW })).status, 'stale')
    assert.equal(store.attestations().length, 1)
    assert.equal(store.attestations()[0].seq, NOW + 5)
    assert.deepEqual(store.counters().stale, 1)
  })

  it('answers a byte-identical copy from the index without checking it again', async () => {
    const store = await openStore()
    const record = sealedPeer(self)
    assert.equal((await store.ingest(record, { now: NOW })).status, 'accepted')

    // Past its expiry a fresh check would throw; the copy is known, so it is
    // a duplicate. A modified copy still gets the full check.
    const again = await store.ingest(record, { now: NOW + 2 * DAY })
    assert.equal(again.status, 'duplicate')
    assert.equal(again.record.issuer, self.id)
    const tampered = Uint8Array.from(record)
    tampered[tampered.length - 1] ^= 1
    await assert.rejects(store.ingest(tampered, { now: NOW }), { code: 'ERR_SIGNATURE_INVALID' })
    assert.equal(store.counters().duplicate, 1)
  })

  it('counts and rethrows invalid records without storing them', async () => {
    const store = await openStore()
    await assert.rejects(store.ingest(Uint8Array.of(1, 2, 3), { now: NOW }), { code: 'ERR_RECORD_MALFORMED' })
    await assert.rejects(store.ingest(sealedPeer(self), { now: NOW + 2 * DAY }), { code: 'ERR_RECORD_EXPIRED' })
    const counters = store.counters()
    assert.equal(counters.rejected.ERR_RECORD_MALFORMED, 1)
    assert.equal(counters.ignored.ERR_RECORD_EXPIRED, 1)
    assert.equal(store.peerRecords().length, 0)
  })

  it('keeps no stranger\'s record with a quarantine capacity of 0, and still checks it', async () => {
    const store = await openStore({ quarantineCapacity: 0 })
    const forged = sealedAttestation(stranger, friend, { seq: NOW + 2 })
    forged[forged.length - 1] ^= 1
    await assert.rejects(store.ingest(forged, { now: NOW }), { code: 'ERR_SIGNATURE_INVALID' })

    assert.equal((await store.ingest(sealedAttestation(stranger, friend, { seq: NOW + 1 }), { now: NOW })).status, 'quarantined')
    assert.equal((await store.ingest(sealedPeer(stranger), { now: NOW })).status, 'quarantined')
    assert.deepEqual(store.quarantined(), [])
    assert.deepEqual(await store.setHorizon([stranger.id]), [], 'nothing to promote')
  })

  it('quarantines strangers, evicts the oldest and promotes on entering the horizon', async () => {
    const store = await openStore({ quarantineCapacity: 3 })
    const others = await createCells(4)
    for (const [i, cell] of others.entries()) {
      assert.equal((await store.ingest(sealedAttestation(stranger, cell, { seq: NOW + i }), { now: NOW })).status, 'quarantined')
    }
    assert.equal(store.quarantined().length, 3)
    assert.equal(store.counters().evicted, 1)
    assert.ok(!store.quarantined().some(r => r.subject === others[0].id))
    assert.equal(store.versionVector().has(stranger.id), false)

    const promoted = await store.setHorizon([friend.id, stranger.id])
    assert.equal(promoted.length, 3)
    assert.equal(store.quarantined().length, 0)
    assert.equal(store.versionVector().get(stranger.id), NOW + 3)
    assert.equal(store.recordsAfter(stranger.id, NOW + 1).length, 2)
  })

  it('persists across reopen and serves sync queries', async () => {
    const store = await openStore()
    await store.setHorizon([friend.id])
    await store.ingest(sealedPeer(friend, { seq: NOW + 1 }), { now: NOW })
    await store.ingest(sealedAttestation(friend, self, { seq: NOW + 2 }), { now: NOW })
    await store.ingest(sealedAttestation(self, friend, { seq: NOW + 3 }), { now: NOW })
    await store.ingest(sealedAttestation(stranger, self), { now: NOW })
    await store.close()

    const again = await openStore()
    await again.setHorizon([friend.id])
    assert.equal(again.peerRecord(friend.id)?.name, 'alice')
    assert.equal(again.attestations().length, 2)
    assert.equal(again.quarantined().length, 1)
    assert.deepEqual(again.versionVector(), new Map([[self.id, NOW + 3], [friend.id, NOW + 2]]))
    const hex = (list: Uint8Array[]): string[] => list.map(bytes => Buffer.from(bytes).toString('hex'))
    assert.deepEqual(hex(again.recordsAfter(friend.id, NOW)), hex([sealedPeer(friend, { seq: NOW + 1 }), sealedAttestation(friend, self, { seq: NOW + 2 })]))
    assert.equal(again.liveAttestations(NOW + 31 * DAY).length, 0)
  })

  it('ignores records signed after a key notice and keeps compromise sticky', async () => {
    const store = await openStore()
    await store.setHorizon([friend.id])
    const notice = sealRecord(friend.privateKey, 'key-notice', keyNotice(friend, { effectiveAt: NOW, seq: NOW + 10 }))
    assert.equal((await store.ingest(notice, { now: NOW })).status, 'accepted')
    await assert.rejects(store.ingest(sealedAttestation(friend, self, { notBefore: NOW + 1, seq: NOW + 11 }), { now: NOW + 1 }), { code: 'ERR_KEY_RETIRED' })
    const rotation = sealRecord(friend.privateKey, 'key-notice', keyNotice(friend, { kind: 'rotated', successor: self.id, seq: NOW + 12 }))
    await assert.rejects(store.ingest(rotation, { now: NOW }), { code: 'ERR_KEY_RETIRED' })
    assert.equal(store.keyNotice(friend.id)?.kind, 'compromised')
  })

  it('keeps a key notice of an issuer it holds records of after the issuer left the horizon, and quarantines a stranger\'s', async () => {
    const store = await openStore()
    await store.setHorizon([friend.id])
    await store.ingest(sealedPeer(friend, { seq: NOW + 1 }), { now: NOW })
    await store.setHorizon([])

    const compromise = sealRecord(friend.privateKey, 'key-notice', keyNotice(friend, { seq: NOW + 10 }))
    assert.equal((await store.ingest(compromise, { now: NOW })).status, 'accepted')
    assert.equal(store.keyNotice(friend.id)?.kind, 'compromised')
    assert.equal(store.versionVector().get(friend.id), NOW + 10, 'offered and asked for in sync though outside the horizon')

    const strangers = sealRecord(stranger.privateKey, 'key-notice', keyNotice(stranger))
    assert.equal((await store.ingest(strangers, { now: NOW })).status, 'quarantined')
    assert.equal(store.keyNotice(stranger.id), undefined)
    assert.equal(store.versionVector().has(stranger.id), false)
  })

  it('bounds what one issuer in the horizon can store', async () => {
    const store = await openStore({ maxRecordsPerIssuer: 2 })
    await store.setHorizon([friend.id])
    const others = await createCells(3)
    await store.ingest(sealedAttestation(friend, others[0], { seq: NOW + 1 }), { now: NOW })
    await store.ingest(sealedAttestation(friend, others[1], { seq: NOW + 2 }), { now: NOW })
    await assert.rejects(store.ingest(sealedAttestation(friend, others[2], { seq: NOW + 3 }), { now: NOW }), { code: 'ERR_ISSUER_QUOTA' })
    await assert.rejects(store.ingest(sealedAttestation(friend, self, { seq: NOW + 2 }), { now: NOW }), { code: 'ERR_SEQ_CONFLICT' })
    assert.equal((await store.ingest(sealedAttestation(friend, others[0], { seq: NOW + 4, level: 'none' }), { now: NOW })).status, 'accepted')
    assert.equal(store.liveAttestations(NOW).length, 1)
  })

  it('leaves no half-written state when a write fails', async () => {
    const store = await openStore()
    await root.close()
    await assert.rejects(store.ingest(sealedAttestation(self, friend), { now: NOW }))
    assert.equal(store.attestations().length, 0)

    root = new Level<string, Uint8Array>(dir, { valueEncoding: 'view' })
    const reopened = await openStore()
    assert.equal(reopened.attestations().length, 0)
    assert.equal((await reopened.ingest(sealedAttestation(self, friend), { now: NOW })).status, 'accepted')
  })

  it('prunes expired peer records', async () => {
    const store = await openStore()
    await store.ingest(sealedPeer(self), { now: NOW })
    await store.ingest(sealedAttestation(self, friend, { seq: NOW + 1 }), { now: NOW })
    assert.equal(await store.prune(NOW + 2 * DAY), 1)
    assert.equal(store.peerRecords().length, 0)
    assert.equal(store.attestations().length, 1)
  })

  it('keeps an expired revocation, so the attestation it revoked stays stale', async () => {
    const store = await openStore()
    const granted = sealedAttestation(self, friend, { seq: NOW + 1, notAfter: NOW + 400 * DAY })
    await store.ingest(granted, { now: NOW })
    await store.ingest(sealedAttestation(self, friend, { seq: NOW + 2, level: 'none', notAfter: NOW + DAY }), { now: NOW })

    assert.equal(await store.prune(NOW + 2 * DAY), 0)
    assert.equal((await store.ingest(granted, { now: NOW + 2 * DAY })).status, 'stale')
    assert.deepEqual(store.liveAttestations(NOW + 2 * DAY), [])
  })

  it('refuses use before open', async () => {
    const store = new TrustStore({ db: root.sublevel<string, Uint8Array>('x', { valueEncoding: 'view' }), selfId: self.id })
    await assert.rejects(store.ingest(sealedPeer(self), { now: NOW }), { code: 'ERR_STORE_NOT_OPEN' })
  })
})
