import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { cellPublicKeyRaw, deriveOverlayAddresses } from '@cell/trust'
import { dnsCells } from '../../src/services/dns-cells.ts'
import type { PeerRecord, TrustEntry } from '@cell/trust'

async function cellId (): Promise<string> {
  return peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
}

function entry (id: string, distance: number): TrustEntry {
  return { cellId: id, level: 'full', source: 'direct', scopes: ['dns'], distance, flow: 1 }
}

function record (id: string, name: string, notAfter: number): PeerRecord {
  return {
    cellId: id, name, multiaddrs: [], wgPublicKey: '', wgEndpoints: [], services: [], advertisedPrefixes: [],
    overlay: deriveOverlayAddresses(cellPublicKeyRaw(id) as Uint8Array), seq: 1, issuedAt: 0, notAfter
  }
}

describe('dnsCells', () => {
  it('lists this cell at distance 0 with its derived overlay addresses', async () => {
    const self = await cellId()
    const cells = dnsCells({ selfId: self, selfName: 'alice', trusted: [], peerRecord: () => undefined, now: 1000 })
    assert.deepEqual(cells, [{ cellId: self, name: 'alice', distance: 0, ...deriveOverlayAddresses(cellPublicKeyRaw(self) as Uint8Array) }])
  })

  it('joins trusted cells with their live peer records and leaves out the rest', async () => {
    const [self, bob, carol, dave] = await Promise.all([cellId(), cellId(), cellId(), cellId()])
    const records = new Map([[bob, record(bob, 'bob', 5000)], [carol, record(carol, 'carol', 500)]])
    const cells = dnsCells({
      selfId: self,
      selfName: 'alice',
      trusted: [entry(bob, 2), entry(carol, 1), entry(dave, 1)],
      peerRecord: id => records.get(id),
      now: 1000
    })
    // carol's record expired at 500; dave has none.
    assert.deepEqual(cells.map(cell => [cell.name, cell.distance]), [['alice', 0], ['bob', 2]])
    assert.equal(cells[1].ipv6, records.get(bob)?.overlay?.ipv6)
  })
})
