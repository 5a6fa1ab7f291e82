import assert from 'node:assert/strict'
import { parseWgDump } from '../../../src/backends/linux/wg-dump.ts'
import { testKey } from '../../fixtures/peers.ts'

describe('parseWgDump', () => {
  const priv = testKey('private')
  const pub = testKey('public')
  const peerA = testKey('a')
  const peerB = testKey('b')

  it('parses the interface line and peers, and drops the private key', () => {
    const text = [
      [priv, pub, '51820', '0xca6c'].join('\t'),
      [peerA, '(none)', '192.0.2.1:51820', '100.64.1.2/32,fdab:bf08:7a36::1/128,0.0.0.0/0', '1700000000', '1234', '5678', '25'].join('\t'),
      [peerB, '(none)', '(none)', '(none)', '0', '0', '0', 'off'].join('\t'),
      [testKey('c'), '(none)', '[2001:db8::1]:4000', '10.0.0.1/8', '0', '0', '0', 'off'].join('\t')
    ].join('\n') + '\n'
    const dump = parseWgDump(text)
    assert.equal(dump.hasPrivateKey, true)
    assert.equal(dump.publicKey, pub)
    assert.equal(dump.listenPort, 51820)
    assert.equal(dump.fwmark, 0xca6c)
    assert.ok(!JSON.stringify(dump).includes(priv), 'the private key is not kept')
    assert.deepEqual(dump.peers[0], {
      publicKey: peerA,
      endpoint: '192.0.2.1:51820',
      allowedIps: ['0.0.0.0/0', '100.64.1.2/32', 'fdab:bf08:7a36::1/128'],
      latestHandshake: 1_700_000_000_000,
      rxBytes: 1234,
      txBytes: 5678,
      persistentKeepalive: 25
    })
    assert.deepEqual(dump.peers[1], { publicKey: peerB, endpoint: null, allowedIps: [], latestHandshake: null, rxBytes: 0, txBytes: 0, persistentKeepalive: 0 })
    assert.equal(dump.peers[2].endpoint, '[2001:db8::1]:4000')
    assert.deepEqual(dump.peers[2].allowedIps, ['10.0.0.0/8'])
  })

  it('reads an interface without key or fwmark', () => {
    const dump = parseWgDump(['(none)', '(none)', '0', 'off'].join('\t') + '\n')
    assert.deepEqual(dump, { hasPrivateKey: false, publicKey: null, listenPort: 0, fwmark: 0, peers: [] })
  })
})
