import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { desiredMeshState } from '../../src/desired/desired-state.ts'
import { renderNftScript, renderNftTeardown } from '../../src/nft/render.ts'
import { Sandbox, namespaceSkipReason, tryRun } from '../fixtures/system.ts'
import { testPeer, testSelf } from '../fixtures/peers.ts'
import type { RuleSet } from '../../src/types.ts'

function fullRuleSet (): { ruleset: RuleSet, digest: string } {
  const state = desiredMeshState({
    self: testSelf(),
    peers: [testPeer('mailer', ['mesh', 'mail']), testPeer('router', ['mesh', 'route'], { advertisedPrefixes: ['192.168.9.0/24'] })],
    routing: {
      bridgeRoutes: [{ interface: 'eth1', prefixes: ['192.168.50.0/24', '2001:db8:5::/64'] }],
      firewall: [
        { action: 'accept', protocol: 'tcp', ports: [22, '8000-8100'], source: '10.1.0.0/16', comment: 'ssh from lan' },
        { action: 'drop', chain: 'forward', protocol: 'icmp', outInterface: 'eth0' },
        { action: 'reject', protocol: 'udp', destination: '2001:db8::/32' }
      ],
      nat: [
        { type: 'masquerade', outInterface: 'eth0', source: '100.64.0.0/10' },
        { type: 'snat', toAddress: '192.0.2.1' },
        { type: 'snat', source: '2001:db8::/32', toAddress: '2001:db8::1', outInterface: 'eth0' },
        { type: 'dnat', protocol: 'tcp', port: 8080, toAddress: '10.1.2.3', toPort: 80 },
        { type: 'dnat', protocol: 'udp', port: 53, destination: '2001:db8::5', toAddress: '2001:db8::53', toPort: 5353, inInterface: 'eth0' }
      ]
    }
  })
  return { ruleset: state.ruleset as RuleSet, digest: state.rulesetDigest as string }
}

describe('renderNftScript', () => {
  const { ruleset, digest } = fullRuleSet()
  const script = renderNftScript(ruleset, { digest })
  const lines = script.split('\n').map((line) => line.trim())

  it('replaces only its own table, atomically', () => {
    assert.deepEqual(lines.slice(1, 4), ['table inet pic', 'delete table inet pic', 'table inet pic {'])
    assert.equal(lines.filter((line) => /^(table|delete|flush)\b/.test(line)).length, 3, 'names no other table')
    assert.ok(lines.includes(`comment "pic-digest:${digest}"`))
  })

  it('accepts overlay traffic only from mesh cells, services only from their scope', () => {
    const input = lines.slice(lines.indexOf('chain input {'), lines.indexOf('chain forward {'))
    const at = (text: string): number => input.indexOf(text)
    assert.ok(at('iifname != "pic0" accept') > at('ip saddr 10.1.0.0/16 tcp dport { 22, 8000-8100 } accept comment "ssh from lan"'))
    assert.ok(at('ip saddr @svc_mail_tcp_v4 tcp dport { 25, 587, 993 } accept') > at('ct state established,related accept'))
    assert.ok(at('tcp dport { 25, 53, 443, 587, 993, 8008, 8443 } drop') > at('ip6 saddr @svc_mail_tcp_v6 tcp dport { 25, 587, 993 } accept'))
    assert.ok(at('ip saddr @mesh_v4 accept') > at('tcp dport { 25, 53, 443, 587, 993, 8008, 8443 } drop'))
    assert.equal(input[input.length - 2], 'counter drop')
  })

  it('fills the source sets from the rule set', () => {
    const mailer = ruleset.services.find((s) => s.scope === 'mail')?.sources.ipv4[0]
    assert.ok(mailer != null)
    assert.ok(script.includes(`set svc_mail_tcp_v4 {\n\t\ttype ipv4_addr\n\t\tflags interval\n\t\tauto-merge\n\t\telements = { ${mailer} }`))
    assert.match(script, /set forward_v4 \{[^}]*elements = \{ [^}]*192\.168\.9\.0\/24/)
  })

  it('renders NAT statements for both families', () => {
    assert.ok(lines.includes('meta nfproto ipv4 tcp dport 8080 dnat ip to 10.1.2.3:80'))
    assert.ok(lines.includes('iifname "eth0" ip6 daddr 2001:db8::5/128 udp dport 53 dnat ip6 to [2001:db8::53]:5353'))
    assert.ok(lines.includes('oifname "eth0" ip saddr 100.64.0.0/10 masquerade'))
    assert.ok(lines.includes('meta nfproto ipv4 snat ip to 192.0.2.1'))
    assert.ok(lines.includes('oifname "eth1" ip saddr 100.64.0.0/10 ip daddr 192.168.50.0/24 masquerade'))
    assert.ok(lines.includes('oifname "eth1" ip6 saddr fdab:bf08:7a36::/48 ip6 daddr 2001:db8:5::/64 masquerade'))
    assert.ok(lines.includes('oifname "eth0" meta l4proto { icmp, ipv6-icmp } drop'))
  })

  it('refuses text that could escape a quoted string or statement', () => {
    assert.throws(() => renderNftScript({ ...ruleset, interfaceName: 'pic0" accept' }), { code: 'ERR_MESH_INVALID_ARGUMENT' })
    assert.throws(() => renderNftScript({ ...ruleset, firewall: [{ action: 'drop', chain: 'input', protocol: 'any', comment: 'x" ; flush ruleset' }] }), { code: 'ERR_MESH_INVALID_ARGUMENT' })
    assert.throws(() => renderNftScript({ ...ruleset, meshSources: { ipv4: ['1.2.3.4/32 } ; flush ruleset'], ipv6: [] } }), { code: 'ERR_MESH_INVALID_ARGUMENT' })
    assert.throws(() => renderNftScript(ruleset, { table: 'pic; flush ruleset' }), { code: 'ERR_MESH_INVALID_ARGUMENT' })
    assert.throws(() => renderNftTeardown('Bad-Name'), { code: 'ERR_MESH_INVALID_ARGUMENT' })
  })

  it('is accepted by nft itself', async function () {
    const reason = await namespaceSkipReason()
    if (reason != null) {
      console.log(`      skipping: ${reason}`)
      this.skip()
    }
    const sandbox = new Sandbox()
    try {
      const ns = await sandbox.namespace(`pic-nft-${process.pid}`)
      const check = async (text: string): Promise<number> => await new Promise((resolve) => {
        const child = spawn('ip', ['netns', 'exec', ns, 'nft', '-f', '-'], { stdio: ['pipe', 'ignore', 'inherit'] })
        child.on('exit', (code) => resolve(code ?? 1))
        child.stdin.end(text)
      })
      assert.equal(await check(script), 0, 'the first apply creates the table')
      assert.equal(await check(script), 0, 'a second apply replaces it')
      const listed = await tryRun('ip', ['netns', 'exec', ns, 'nft', 'list', 'table', 'inet', 'pic'])
      assert.match(listed.stdout, new RegExp(`pic-digest:${digest}`))
      assert.equal(await check(renderNftTeardown()), 0)
      assert.notEqual((await tryRun('ip', ['netns', 'exec', ns, 'nft', 'list', 'table', 'inet', 'pic'])).code, 0)
      assert.equal(await check(renderNftTeardown()), 0, 'teardown of a missing table succeeds')
    } finally {
      await sandbox.cleanup()
    }
  })
})
