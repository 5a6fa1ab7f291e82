/**
 * The mapping from trust views and peer records to the mesh package's
 * peer inputs: scopes merged per cell, records required, overlay taken
 * from the record or derived from the key, manual peers appended.
 */
import assert from 'node:assert/strict'
import { generateKeyPairSync } from 'node:crypto'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { cellPublicKeyRaw, deriveOverlayAddresses } from '@cell/trust'
import { meshPeerInputs, scopesByCell } from '../../src/mesh/peer-inputs.ts'
import type { MeshPeerRecord } from '../../src/mesh/peer-inputs.ts'

async function cellId (): Promise<string> {
  return peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
}

function wgKey (): string {
  const jwk = generateKeyPairSync('x25519').publicKey.export({ format: 'jwk' })
  return Buffer.from(jwk.x as string, 'base64url').toString('base64')
}

const now = Date.UTC(2026, 0, 1)
const HOUR = 3_600_000

function record (id: string, extra: Partial<MeshPeerRecord> = {}): MeshPeerRecord {
  return { cellId: id, wgPublicKey: wgKey(), wgEndpoints: ['192.0.2.1:51820'], advertisedPrefixes: [], notAfter: now + 24 * HOUR, ...extra }
}

describe('mesh peer inputs from trust', () => {
  let self: string
  let b: string
  let c: string
  let d: string

  before(async () => {
    [self, b, c, d] = await Promise.all([cellId(), cellId(), cellId(), cellId()])
  })

  it('merges the scopes of every view per cell and leaves this cell out', () => {
    const scopes = scopesByCell(new Map([['mesh', [b, c, self]], ['route', [b]], ['mail', [c]]]), self)
    assert.deepEqual([...scopes.get(b) ?? []].sort(), ['mesh', 'route'])
    assert.deepEqual([...scopes.get(c) ?? []].sort(), ['mail', 'mesh'])
    assert.equal(scopes.has(self), false)
  })

  it('builds one input per trusted cell with a record, in cell id order', () => {
    const records = new Map([[b, record(b, { advertisedPrefixes: ['10.1.0.0/16'] })], [c, record(c)]])
    const { peers, pending } = meshPeerInputs({
      selfId: self,
      views: new Map([['mesh', [c, b]], ['route', [b]]]),
      peerRecord: id => records.get(id),
      now
    })
    assert.deepEqual(peers.map(peer => peer.cellId), [b, c].sort())
    const peerB = peers.find(peer => peer.cellId === b)
    assert.equal(peerB?.wgPublicKey, records.get(b)?.wgPublicKey)
    assert.deepEqual(peerB?.endpoints, ['192.0.2.1:51820'])
    assert.deepEqual(peerB?.advertisedPrefixes, ['10.1.0.0/16'])
    assert.deepEqual([...peerB?.scopes ?? []].sort(), ['mesh', 'route'])
    assert.deepEqual(pending, [])
  })

  it('reports a trusted cell without a peer record as pending', () => {
    const { peers, pending } = meshPeerInputs({ selfId: self, views: new Map([['mesh', [d]]]), peerRecord: () => undefined, now })
    assert.deepEqual(peers, [])
    assert.deepEqual(pending, [d])
  })

  it('refuses a record filed under another cell id', () => {
    const { peers, pending } = meshPeerInputs({ selfId: self, views: new Map([['mesh', [b]]]), peerRecord: () => record(c), now })
    assert.deepEqual(peers, [])
    assert.deepEqual(pending, [b])
  })

  it('leaves out a cell whose peer record has expired, as pending, until a fresh one arrives', () => {
    const records = new Map([[b, record(b, { notAfter: now - 1 })], [c, record(c, { notAfter: now + HOUR })]])
    const views = new Map([['mesh', [b, c]]])

    const expired = meshPeerInputs({ selfId: self, views, peerRecord: id => records.get(id), now })
    assert.deepEqual(expired.peers.map(peer => peer.cellId), [c])
    assert.deepEqual(expired.pending, [b])
    assert.equal(expired.nextExpiry, now + HOUR, 'the earliest expiry among the records in use')

    records.set(b, record(b, { notAfter: now + 2 * HOUR }))
    const renewed = meshPeerInputs({ selfId: self, views, peerRecord: id => records.get(id), now })
    assert.deepEqual(renewed.peers.map(peer => peer.cellId), [b, c].sort())
    assert.deepEqual(renewed.pending, [])
  })

  it('has no next expiry when no peer record is in use', () => {
    const { nextExpiry } = meshPeerInputs({ selfId: self, views: new Map([['mesh', [d]]]), peerRecord: () => undefined, now })
    assert.equal(nextExpiry, Infinity)
  })

  it('takes the overlay from the record, else derives it from the cell key', () => {
    const claimed = { ipv4: '100.64.0.9', ipv6: 'fdab:bf08:7a36::9' }
    const records = new Map([[b, record(b, { overlay: claimed })], [c, record(c)]])
    const { peers } = meshPeerInputs({ selfId: self, views: new Map([['mesh', [b, c]]]), peerRecord: id => records.get(id), now })
    assert.deepEqual(peers.find(peer => peer.cellId === b)?.overlay, claimed)
    assert.deepEqual(peers.find(peer => peer.cellId === c)?.overlay, deriveOverlayAddresses(cellPublicKeyRaw(c) as Uint8Array))
  })

  it('leaves a cell out once no view holds it (revoked, expired, distrusted)', () => {
    const records = new Map([[b, record(b)], [c, record(c)]])
    const before = meshPeerInputs({ selfId: self, views: new Map([['mesh', [b, c]]]), peerRecord: id => records.get(id), now })
    const after = meshPeerInputs({ selfId: self, views: new Map([['mesh', [b]]]), peerRecord: id => records.get(id), now })
    assert.equal(before.peers.length, 2)
    assert.deepEqual(after.peers.map(peer => peer.cellId), [b])
  })

  it('appends manual peers with the mesh scope only', () => {
    const manual = { name: 'phone', publicKey: wgKey(), endpoint: '198.51.100.4:51820', ipv4: '100.64.7.7', ipv6: 'fdab:bf08:7a36::77' }
    const { peers } = meshPeerInputs({ selfId: self, views: new Map(), peerRecord: () => undefined, manualPeers: [manual], now })
    assert.equal(peers.length, 1)
    assert.equal(peers[0].cellId, 'manual:phone')
    assert.deepEqual([...peers[0].scopes], ['mesh'])
    assert.deepEqual(peers[0].endpoints, ['198.51.100.4:51820'])
    assert.deepEqual(peers[0].overlay, { ipv4: '100.64.7.7', ipv6: 'fdab:bf08:7a36::77' })
  })
})
