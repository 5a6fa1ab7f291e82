import assert from 'node:assert/strict'
import { PEER_RECORD_LIFETIME, PEER_RECORD_REFRESH } from '../../src/trust/constants.ts'
import { renewalDelay, stillCurrent } from '../../src/trust/peer-record-renewal.ts'
import type { PeerRecord } from '@cell/trust'

const NOW = 1_800_000_000_000
const content = {
  name: 'alice',
  multiaddrs: ['/ip4/192.0.2.1/tcp/4001'],
  wgPublicKey: 'k'.repeat(43) + '=',
  wgEndpoints: ['192.0.2.1:51820'],
  services: ['trust', 'dns'],
  advertisedPrefixes: []
}
const issued = (at: number, extra: Partial<PeerRecord> = {}): PeerRecord =>
  ({ ...content, cellId: 'cell', seq: at, issuedAt: at, notAfter: at + PEER_RECORD_LIFETIME, ...extra })

describe('peer record renewal', () => {
  it('keeps a record with the same content and more than the refresh margin left', () => {
    assert.equal(stillCurrent(issued(NOW - 60_000), content, NOW), true)
  })

  it('renews when any field changed, including order of a list', () => {
    assert.equal(stillCurrent(issued(NOW), { ...content, multiaddrs: ['/ip4/192.0.2.2/tcp/4001'] }, NOW), false)
    assert.equal(stillCurrent(issued(NOW), { ...content, services: ['dns', 'trust'] }, NOW), false)
    assert.equal(stillCurrent(issued(NOW), { ...content, overlay: { ipv4: '100.64.0.1', ipv6: 'fd00::1' } } as any, NOW), false)
  })

  it('renews when no more than the refresh margin is left, or nothing is held', () => {
    const record = issued(NOW)
    assert.equal(stillCurrent(record, content, record.notAfter - PEER_RECORD_REFRESH), false)
    assert.equal(stillCurrent(record, content, record.notAfter - PEER_RECORD_REFRESH - 1), true)
    assert.equal(stillCurrent(undefined, content, NOW), false)
  })

  it('renews a record issued in the future (the clock went back)', () => {
    assert.equal(stillCurrent(issued(NOW + 60_000), content, NOW), false)
  })

  it('is due for renewal refresh-margin before expiry', () => {
    const record = issued(NOW)
    assert.equal(renewalDelay(record, NOW), PEER_RECORD_LIFETIME - PEER_RECORD_REFRESH)
    assert.equal(renewalDelay(record, record.notAfter), 0)
  })

  it('never asks for a timer longer than Node.js allows (it would fire at once)', () => {
    const longLived = issued(NOW, { notAfter: NOW + 60 * 24 * 60 * 60 * 1000 })
    assert.equal(renewalDelay(longLived, NOW), 2 ** 31 - 1)
  })
})
