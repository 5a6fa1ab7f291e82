import assert from 'node:assert/strict'
import { ValidationError } from '../../src/errors.ts'
import { parseRoutingBody } from '../../src/validation/parse.ts'
import {
  bridgeRouteSchema, exitNodeSchema, firewallRuleSchema, natRuleSchema, peerRouteSchema, routingConfigSchema, splitRouteSchema
} from '../../src/validation/schemas.ts'

function fieldOf (fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    assert.ok(err instanceof ValidationError)
    assert.equal(err.code, 'ERR_MESH_VALIDATION')
    return err.field
  }
  assert.fail('expected a ValidationError')
}

describe('routing schemas', () => {
  it('canonicalises prefixes and fills defaults', () => {
    const route = parseRoutingBody(peerRouteSchema, { peer: 'cell-1', prefixes: ['192.168.1.7/24', '2001:DB8::/32'] })
    assert.deepEqual(route.prefixes, ['192.168.1.0/24', '2001:db8::/32'])
    assert.equal(parseRoutingBody(bridgeRouteSchema, { interface: 'eth1', prefixes: ['10.0.0.0/8'] }).masquerade, true)
    const rule = parseRoutingBody(firewallRuleSchema, { action: 'drop' })
    assert.equal(rule.chain, 'input')
    assert.equal(rule.protocol, 'any')
  })

  it('names the field of a bad prefix', () => {
    assert.equal(fieldOf(() => parseRoutingBody(peerRouteSchema, { peer: 'c', prefixes: ['10.0.0.0/8', '10.0.0.0/33'] })), 'prefixes.1')
    assert.equal(fieldOf(() => parseRoutingBody(splitRouteSchema, { via: 'c', prefixes: ['0.0.0.0/0'] })), 'prefixes')
    assert.equal(fieldOf(() => parseRoutingBody(peerRouteSchema, { peer: 'c', prefixes: [] })), 'prefixes')
  })

  it('holds interface names to the Linux rules', () => {
    assert.equal(fieldOf(() => parseRoutingBody(bridgeRouteSchema, { interface: 'a-very-long-name0', prefixes: ['10.0.0.0/8'] })), 'interface')
    assert.equal(fieldOf(() => parseRoutingBody(bridgeRouteSchema, { interface: '..', prefixes: ['10.0.0.0/8'] })), 'interface')
    assert.equal(fieldOf(() => parseRoutingBody(bridgeRouteSchema, { interface: 'eth"0', prefixes: ['10.0.0.0/8'] })), 'interface')
    assert.equal(parseRoutingBody(bridgeRouteSchema, { interface: 'br-lan.15', prefixes: ['10.0.0.0/8'] }).interface, 'br-lan.15')
  })

  it('checks ports, ranges and protocols of firewall rules', () => {
    const rule = parseRoutingBody(firewallRuleSchema, { action: 'accept', protocol: 'tcp', ports: [22, '8000-8100', '9000-9000'] })
    assert.deepEqual(rule.ports, [22, '8000-8100', 9000])
    assert.equal(fieldOf(() => parseRoutingBody(firewallRuleSchema, { action: 'accept', protocol: 'tcp', ports: [0] })), 'ports.0')
    assert.equal(fieldOf(() => parseRoutingBody(firewallRuleSchema, { action: 'accept', protocol: 'tcp', ports: ['200-100'] })), 'ports.0')
    assert.equal(fieldOf(() => parseRoutingBody(firewallRuleSchema, { action: 'accept', protocol: 'tcp', ports: [70000] })), 'ports.0')
    assert.equal(fieldOf(() => parseRoutingBody(firewallRuleSchema, { action: 'accept', protocol: 'icmp', ports: [22] })), 'ports')
    assert.equal(fieldOf(() => parseRoutingBody(firewallRuleSchema, { action: 'accept', protocol: 'sctp' })), 'protocol')
    assert.equal(fieldOf(() => parseRoutingBody(firewallRuleSchema, { action: 'allow' })), 'action')
    assert.equal(fieldOf(() => parseRoutingBody(firewallRuleSchema, { action: 'drop', source: '10.0.0.0/8', destination: '::/0' })), 'destination')
    assert.equal(fieldOf(() => parseRoutingBody(firewallRuleSchema, { action: 'drop', outInterface: 'eth0' })), 'outInterface')
    assert.equal(fieldOf(() => parseRoutingBody(firewallRuleSchema, { action: 'drop', comment: 'x"; flush ruleset' })), 'comment')
  })

  it('refuses unknown fields', () => {
    assert.equal(fieldOf(() => parseRoutingBody(exitNodeSchema, { peer: 'c', extra: 1 })), 'extra')
    assert.equal(fieldOf(() => parseRoutingBody(routingConfigSchema, { peerRoutes: [{ peer: 'c', prefixes: ['10.0.0.0/8'], via: 'x' }] })), 'peerRoutes.0.via')
  })

  it('parses the three NAT rule types', () => {
    assert.equal(parseRoutingBody(natRuleSchema, { type: 'masquerade', outInterface: 'eth0' }).type, 'masquerade')
    const snat = parseRoutingBody(natRuleSchema, { type: 'snat', source: '10.0.0.0/8', toAddress: '192.0.2.1' })
    assert.equal(snat.type, 'snat')
    const dnat = parseRoutingBody(natRuleSchema, { type: 'dnat', protocol: 'tcp', port: 80, toAddress: '2001:DB8::1', toPort: 8080 })
    assert.ok(dnat.type === 'dnat' && dnat.toAddress === '2001:db8::1')
    assert.equal(fieldOf(() => parseRoutingBody(natRuleSchema, { type: 'snat', source: '10.0.0.0/8', toAddress: '2001:db8::1' })), 'toAddress')
    assert.equal(fieldOf(() => parseRoutingBody(natRuleSchema, { type: 'dnat', protocol: 'icmp', port: 1, toAddress: '10.0.0.1' })), 'protocol')
    assert.equal(fieldOf(() => parseRoutingBody(natRuleSchema, { type: 'redirect' })), 'type')
    assert.equal(fieldOf(() => parseRoutingBody(natRuleSchema, { type: 'masquerade' })), 'outInterface')
  })

  it('accepts an exit node or null', () => {
    assert.equal(parseRoutingBody(exitNodeSchema, { peer: null }).peer, null)
    assert.equal(fieldOf(() => parseRoutingBody(exitNodeSchema, { peer: 'bad id!' })), 'peer')
  })

  it('parses a whole routing configuration with defaults', () => {
    const config = parseRoutingBody(routingConfigSchema, {})
    assert.deepEqual(config, { exitNode: null, splitRoutes: [], peerRoutes: [], bridgeRoutes: [], nat: [], firewall: [] })
    assert.equal(fieldOf(() => parseRoutingBody(routingConfigSchema, { nat: [{ type: 'dnat', protocol: 'tcp', port: 80 }] })), 'nat.0.toAddress')
  })
})
