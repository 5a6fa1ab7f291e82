import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { sealRecord } from '@cell/trust'
import { dhtPeerRecordOptions, peerRecordKey } from '../../src/trust/dht-records.ts'
import type { PeerRecord } from '@cell/trust'
import type { Ed25519PrivateKey } from '@libp2p/interface'

const NOW = Date.now()

function record (cellId: string, seq: number): PeerRecord {
  return {
    cellId, name: 'cell', multiaddrs: [], wgPublicKey: Buffer.alloc(32, 1).toString('base64'), wgEndpoints: [], services: [],
    advertisedPrefixes: [], seq, issuedAt: NOW - 1000, notAfter: NOW + 60_000
  }
}

describe('peer records in the DHT', () => {
  let key: Ed25519PrivateKey
  let cellId: string
  const { validators, selectors } = dhtPeerRecordOptions(() => NOW)

  before(async () => {
    key = await generateKeyPair('Ed25519')
    cellId = peerIdFromPrivateKey(key).toString()
  })

  it('accepts the cell\'s own record under its own key', async () => {
    await validators['pic-peer'](peerRecordKey(cellId), sealRecord(key, 'peer-record', record(cellId, 1)))
  })

  it('refuses a valid record stored under another cell\'s key', async () => {
    const other = await generateKeyPair('Ed25519')
    const otherId = peerIdFromPrivateKey(other).toString()
    await assert.rejects(validators['pic-peer'](peerRecordKey(otherId), sealRecord(key, 'peer-record', record(cellId, 1))))
  })

  it('refuses garbage and tampered values', async () => {
    const sealed = sealRecord(key, 'peer-record', record(cellId, 1))
    sealed[sealed.length - 1] ^= 1
    await assert.rejects(validators['pic-peer'](peerRecordKey(cellId), sealed))
    await assert.rejects(validators['pic-peer'](peerRecordKey(cellId), new Uint8Array([1, 2, 3])))
  })

  it('selects the highest seq and skips invalid candidates', () => {
    const older = sealRecord(key, 'peer-record', record(cellId, 5))
    const newer = sealRecord(key, 'peer-record', record(cellId, 9))
    assert.equal(selectors['pic-peer'](peerRecordKey(cellId), [older, new Uint8Array([0]), newer]), 2)
  })
})
