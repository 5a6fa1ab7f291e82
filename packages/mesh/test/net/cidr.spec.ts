import assert from 'node:assert/strict'
import { canonicalCidr, canonicalIp, cidrFamily, cidrsOverlap, isDefaultRoute, tryCanonicalCidr } from '../../src/net/cidr.ts'

describe('cidr', () => {
  it('clears host bits and writes IPv6 in RFC 5952 form', () => {
    assert.equal(canonicalCidr('10.0.0.1/24'), '10.0.0.0/24')
    assert.equal(canonicalCidr('2001:0DB8:0:0:1:0:0:1/128'), '2001:db8::1:0:0:1/128')
    assert.equal(canonicalCidr('fdab:bf08:7a36:1:2::5/48'), 'fdab:bf08:7a36::/48')
    assert.equal(canonicalCidr('0.0.0.0/0'), '0.0.0.0/0')
    assert.equal(canonicalCidr('::/0'), '::/0')
  })

  it('masks IPv4 at every boundary', () => {
    assert.equal(canonicalCidr('10.0.0.1/0'), '0.0.0.0/0')
    assert.equal(canonicalCidr('255.255.255.255/1'), '128.0.0.0/1')
    assert.equal(canonicalCidr('10.1.2.3/31'), '10.1.2.2/31')
    assert.equal(canonicalCidr('203.0.113.77/26'), '203.0.113.64/26')
    assert.equal(canonicalCidr('255.255.255.255/32'), '255.255.255.255/32')
  })

  it('takes a bare address as a host prefix', () => {
    assert.equal(canonicalCidr('192.0.2.7'), '192.0.2.7/32')
    assert.equal(canonicalCidr('2001:db8::7'), '2001:db8::7/128')
  })

  it('refuses malformed prefixes', () => {
    for (const bad of ['10.0.0.0/33', '2001:db8::/129', '10.0.0/8', 'fe80::1%eth0/64', 'x/8', '10.0.0.0/-1', '10.0.0.0/08a', '', '1.2.3.4/ 8']) {
      assert.equal(tryCanonicalCidr(bad), null, bad)
    }
    assert.throws(() => canonicalCidr('nope', 'prefixes.0'), { code: 'ERR_MESH_INVALID_ARGUMENT', field: 'prefixes.0' })
  })

  it('canonicalises addresses', () => {
    assert.equal(canonicalIp('2001:DB8::0:1'), '2001:db8::1')
    assert.equal(canonicalIp('10.1.2.3'), '10.1.2.3')
    assert.equal(canonicalIp('10.1.2'), null)
  })

  it('knows families, default routes and overlaps', () => {
    assert.equal(cidrFamily('10.0.0.0/8'), 4)
    assert.equal(cidrFamily('::/0'), 6)
    assert.ok(isDefaultRoute('::/0'))
    assert.ok(!isDefaultRoute('10.0.0.0/8'))
    assert.ok(cidrsOverlap('10.0.0.0/8', '10.5.0.0/16'))
    assert.ok(cidrsOverlap('10.5.0.0/16', '10.0.0.0/8'))
    assert.ok(!cidrsOverlap('10.0.0.0/8', '11.0.0.0/8'))
    assert.ok(!cidrsOverlap('10.0.0.0/8', '::/0'))
  })
})
