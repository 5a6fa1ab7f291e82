/**
 * The WireGuard endpoints a cell announces: configured ones as they are,
 * else its p2p listen addresses (every usable interface address for an
 * unspecified one) with the WireGuard port, never loopback, link-local,
 * overlay or the mesh interface's own addresses.
 */
import assert from 'node:assert/strict'
import { announcedEndpoints, localAddresses } from '../../src/mesh/endpoints.ts'
import type { NetworkInterfaceInfo } from 'node:os'

function info (address: string, internal = false): NetworkInterfaceInfo {
  const family = address.includes(':') ? 'IPv6' : 'IPv4'
  return { address, family, internal, netmask: '', mac: '00:00:00:00:00:00', cidr: null, ...(family === 'IPv6' ? { scopeid: 0 } : {}) } as NetworkInterfaceInfo
}

const interfaces = {
  lo: [info('127.0.0.1', true), info('::1', true)],
  eth0: [info('192.0.2.10'), info('2001:db8::10'), info('fe80::1')],
  wlan0: [info('169.254.3.3'), info('198.51.100.20')],
  pic0: [info('100.70.1.2'), info('fdab:bf08:7a36::2')]
}
const base = { configured: [], interfaces, listenPort: 51820, meshInterface: 'pic0' }

describe('announced WireGuard endpoints', () => {
  it('uses configured endpoints as they are', () => {
    assert.deepEqual(announcedEndpoints({ ...base, configured: ['cell.example.org:51820'], listen: ['/ip4/0.0.0.0/tcp/4001'] }), ['cell.example.org:51820'])
  })

  it('expands unspecified listen addresses to usable interface addresses, IPv4 first', () => {
    const endpoints = announcedEndpoints({ ...base, listen: ['/ip6/::/tcp/4001', '/ip4/0.0.0.0/tcp/4001'] })
    assert.deepEqual(endpoints, ['192.0.2.10:51820', '198.51.100.20:51820', '[2001:db8::10]:51820'])
  })

  it('keeps a specific listen address and drops loopback ones', () => {
    assert.deepEqual(announcedEndpoints({ ...base, listen: ['/ip4/192.0.2.10/tcp/0', '/ip4/127.0.0.1/tcp/0', '/dns4/x.example/tcp/1'] }), ['192.0.2.10:51820'])
  })

  it('announces at most eight, without duplicates', () => {
    const many = { eth0: Array.from({ length: 12 }, (_, i) => info(`192.0.2.${i + 1}`)) }
    const endpoints = announcedEndpoints({ ...base, interfaces: many, listen: ['/ip4/0.0.0.0/tcp/1', '/ip4/192.0.2.1/tcp/2'] })
    assert.equal(endpoints.length, 8)
    assert.equal(new Set(endpoints).size, 8)
  })

  it('lists local underlay addresses sorted, for change detection', () => {
    assert.deepEqual(localAddresses(interfaces, 'pic0'), ['192.0.2.10', '198.51.100.20', '2001:db8::10'])
  })
})
