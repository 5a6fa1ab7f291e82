import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import {
  chooseOverlayIpv4, deriveOverlayAddresses, isValidOverlayClaim, overlayIpv4Candidates, overlayIpv6
} from '../../src/overlay/addresses.ts'

describe('overlay addresses', () => {
  const key = Uint8Array.from(Array.from({ length: 32 }, (_, i) => i))

  it('derives a stable IPv6 address inside the project ULA /48', () => {
    const address = overlayIpv6(key)
    assert.equal(address, overlayIpv6(Uint8Array.from(key)))
    assert.match(address, /^fdab:bf08:7a36:/)
  })

  it('derives different addresses for different keys', () => {
    const other = Uint8Array.from(key).reverse()
    assert.notEqual(overlayIpv6(key), overlayIpv6(other))
    assert.notDeepEqual(overlayIpv4Candidates(key), overlayIpv4Candidates(other))
  })

  it('keeps every IPv4 candidate inside 100.64.0.0/10 and off .0 and .255', () => {
    for (let i = 0; i < 200; i++) {
      for (const candidate of overlayIpv4Candidates(randomBytes(32))) {
        const [a, b, , d] = candidate.split('.').map(Number)
        assert.equal(a, 100)
        assert.ok(b >= 64 && b <= 127, candidate)
        assert.ok(d !== 0 && d !== 255, candidate)
      }
    }
  })

  it('accepts the derived claim and refuses a foreign one', () => {
    const claim = deriveOverlayAddresses(key)
    assert.ok(isValidOverlayClaim(key, claim))
    assert.ok(isValidOverlayClaim(key, { ...claim, ipv4: overlayIpv4Candidates(key)[3] }))
    assert.ok(!isValidOverlayClaim(key, { ...claim, ipv4: '100.64.1.1' }))
    assert.ok(!isValidOverlayClaim(key, { ...claim, ipv6: 'fdab:bf08:7a36::1' }))
  })

  it('gives a contested IPv4 address to the lower cell id', () => {
    const first = overlayIpv4Candidates(key)[0]
    const taken = new Map([[first, 'cell-b']])
    assert.equal(chooseOverlayIpv4(key, 'cell-a', taken), first)
    assert.equal(chooseOverlayIpv4(key, 'cell-c', taken), overlayIpv4Candidates(key)[1])
  })
})
