import assert from 'node:assert/strict'
import { firstUsableEndpoint, formatEndpoint, parseEndpoint } from '../../src/net/endpoint.ts'

describe('endpoint', () => {
  it('parses IPv4, bracketed IPv6 and host names', () => {
    assert.deepEqual(parseEndpoint('192.0.2.1:51820'), { host: '192.0.2.1', port: 51820, family: 4 })
    assert.deepEqual(parseEndpoint('[2001:DB8::1]:51820'), { host: '2001:db8::1', port: 51820, family: 6 })
    assert.deepEqual(parseEndpoint('Cell.Example.org:1'), { host: 'cell.example.org', port: 1, family: 0 })
  })

  it('refuses malformed endpoints', () => {
    for (const bad of ['192.0.2.1', '2001:db8::1:51820', '[192.0.2.1]:5', 'host:0', 'host:65536', '-x:5', 'a b:5', '1.2.3:5', '[::1]:', '']) {
      assert.equal(parseEndpoint(bad), null, bad)
    }
  })

  it('formats IPv6 endpoints with brackets', () => {
    assert.equal(formatEndpoint({ host: '2001:db8::1', port: 5, family: 6 }), '[2001:db8::1]:5')
  })

  it('picks the first endpoint that can be sent to', () => {
    assert.equal(firstUsableEndpoint(['garbage', '0.0.0.0:5', '[::]:5', '239.1.1.1:5', '[ff02::1]:5', '198.51.100.9:51820', '192.0.2.1:1']), '198.51.100.9:51820')
    assert.equal(firstUsableEndpoint(['127.0.0.1:7']), '127.0.0.1:7')
    assert.equal(firstUsableEndpoint(['junk']), null)
    assert.equal(firstUsableEndpoint(['junk', '192.0.2.1:1'], 1), null, 'looks at no more than the limit')
  })
})
