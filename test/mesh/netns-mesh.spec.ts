/**
 * Trust drives the WireGuard mesh, end to end: three agent processes, each
 * in its own network namespace (A, B, C on one bridge), running the Linux
 * backend with wireguard-go, and a fourth namespace D behind B.
 *
 *   A ─┐                 ┌─ B ── D (10.99.1.0/24, behind B)
 *      └── switch (br0) ─┤
 *                        └─ C
 *
 * A invites B, B invites C; the tunnels follow trust within seconds. C's
 * underlay address changes and the tunnel follows the new peer record; C
 * rotates its key and A picks up the new one; A sends everything through
 * B as exit node and D sees B's address; B revokes C and the tunnel is cut.
 *
 * How the test reaches the agents is described in test/fixtures/netns.ts.
 */
import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { stopAll } from '../fixtures/agent-process.ts'
import { NetnsLab, netnsSkipReason } from '../fixtures/netns.ts'
import { waitFor } from '../fixtures/wait.ts'
import type { NetnsAgent } from '../fixtures/netns.ts'

// Fixed addresses are safe: they exist only inside namespaces this test owns.
const UNDERLAY = { a: '10.99.0.1', b: '10.99.0.2', c: '10.99.0.3', cMoved: '10.99.0.13' }
const B_TO_D = '10.99.1.1'
const D_ADDRESS = '10.99.1.2'

interface Overlay { ipv4: string, ipv6: string }

async function overlayOf (agent: NetnsAgent): Promise<Overlay> {
  const { body } = await agent.api('GET', '/api/trust/cells')
  const own = body.cells.find((cell: any) => cell.cellId === agent.cellId)
  assert.ok(own?.overlay != null, `${agent.ns} knows its own peer record`)
  return own.overlay
}

/** `wg show <if> endpoints` in the agent's namespace, as public key → endpoint. */
async function wgEndpoints (lab: NetnsLab, agent: NetnsAgent, ifname: string): Promise<Map<string, string>> {
  const { stdout } = await lab.exec(agent.ns, 'wg', ['show', ifname, 'endpoints'])
  return new Map(stdout.trim().split('\n').filter(line => line !== '').map(line => line.split('\t') as [string, string]))
}

async function publicKey (agent: NetnsAgent): Promise<string> {
  return (await agent.api('GET', '/api/wireguard/keys')).body.publicKey
}

async function join (inviter: NetnsAgent, joiner: NetnsAgent): Promise<void> {
  const invite = await inviter.api('POST', '/api/trust/invites', {})
  assert.equal(invite.status, 201, JSON.stringify(invite.body))
  const joined = await joiner.api('POST', '/api/trust/join', { token: invite.body.token })
  assert.equal(joined.status, 200, JSON.stringify(joined.body))
}

describe('the WireGuard mesh follows trust between agents in network namespaces', function () {
  this.timeout(60_000)
  const lab = new NetnsLab()
  const ifname = { a: '', b: '', c: '' }
  let a: NetnsAgent
  let b: NetnsAgent
  let c: NetnsAgent
  let nsD: string
  const overlay: Record<'a' | 'b' | 'c', Overlay> = {} as any

  before(async function () {
    const reason = await netnsSkipReason()
    if (reason != null) {
      console.log(`      skipping: ${reason}`)
      this.skip()
    }
    const [nsA, nsB, nsC] = [await lab.namespace('a'), await lab.namespace('b'), await lab.namespace('c')]
    nsD = await lab.namespace('d')
    await lab.plug(nsA, 'eth0', `${UNDERLAY.a}/24`)
    await lab.plug(nsB, 'eth0', `${UNDERLAY.b}/24`)
    await lab.plug(nsC, 'eth0', `${UNDERLAY.c}/24`)
    await lab.link(nsB, 'eth1', `${B_TO_D}/24`, nsD, 'eth0', `${D_ADDRESS}/24`)

    const mesh = (label: 'a' | 'b' | 'c'): Record<string, unknown> => {
      ifname[label] = lab.interfaceName(label)
      // One-second address checks so the underlay change is noticed quickly.
      return { backend: 'linux', wireguard: 'userspace', interfaceName: ifname[label], addressCheckSeconds: 1 }
    }
    a = await lab.agent(nsA, { mesh: mesh('a') })
    const bootstrap = ((await a.api('GET', '/api/identity')).body.multiaddrs as string[]).filter(address => address.startsWith(`/ip4/${UNDERLAY.a}/`))
    ;[b, c] = await Promise.all([
      lab.agent(nsB, { mesh: mesh('b'), bootstrap }),
      lab.agent(nsC, { mesh: mesh('c'), bootstrap })
    ])
    for (const [label, agent] of [['a', a], ['b', b], ['c', c]] as const) overlay[label] = await overlayOf(agent)
  })

  // A failure here has been seen once on a fresh clone with no cause in
  // sight; on the first failing test, show what each agent's services and
  // mesh logs say, so the next one explains itself.
  let dumped = false
  afterEach(async function () {
    if (this.currentTest?.state !== 'failed' || dumped) return
    dumped = true
    for (const [label, agent] of [['a', a], ['b', b], ['c', c]] as const) {
      if (agent == null) continue
      const services = await agent.api('GET', '/api/services/status').catch((err: Error) => ({ body: err.message }))
      console.log(`      ${label} services: ${JSON.stringify(services.body)}`)
      const logs = await agent.api('GET', '/api/logs/services/mesh?limit=40').catch((err: Error) => ({ body: err.message }))
      console.log(`      ${label} mesh log: ${JSON.stringify(logs.body)}`)
    }
  })

  after(async () => {
    await lab.cleanup()
    await stopAll()
  })

  it('runs the Linux backend with wireguard-go and announces the namespace address as endpoint', async () => {
    const { body: status } = await a.api('GET', '/api/wireguard/status')
    assert.equal(status.backend, 'linux', `wireguard status: ${JSON.stringify(status)}; services: ${JSON.stringify((await a.api('GET', '/api/services/status')).body)}`)
    assert.equal(status.mode, 'userspace')
    assert.equal(status.memoryReason, null)
    // B has two addresses, so two endpoints; the order is the interfaces' order.
    const { body } = await b.api('GET', '/api/trust/cells')
    assert.deepEqual([...body.cells.find((cell: any) => cell.cellId === b.cellId).wgEndpoints].sort(), [`${UNDERLAY.b}:51820`, `${B_TO_D}:51820`])
  })

  it('joins B to A and C to B; within 3 s of each join A pings them over overlay IPv4 and IPv6', async () => {
    await join(a, b)
    let joined = Date.now()
    await waitFor(async () => await lab.ping(a.ns, overlay.b.ipv4) && await lab.ping(a.ns, overlay.b.ipv6),
      { timeout: 3_000, interval: 50, what: 'A to ping B over the overlay' })
    const first = Date.now() - joined

    await join(b, c)
    joined = Date.now()
    await waitFor(async () => await lab.ping(a.ns, overlay.c.ipv4) && await lab.ping(a.ns, overlay.c.ipv6),
      { timeout: 3_000, interval: 50, what: 'A to ping C over the overlay' })
    console.log(`      join to ping: B ${first} ms, C ${Date.now() - joined} ms`)

    const peers = (await a.api('GET', '/api/wireguard/peers')).body.peers
    assert.deepEqual(peers.map((peer: any) => peer.cellId).sort(), [b.cellId, c.cellId].sort())
    const ping = await a.cli(['mesh', 'ping', c.cellId])
    assert.equal(ping.code, 0, ping.stderr)
  })

  it('follows C to a new underlay address through its re-issued peer record', async () => {
    const keyC = await publicKey(c)
    await run(lab, c.ns, ['address', 'del', `${UNDERLAY.c}/24`, 'dev', 'eth0'])
    await run(lab, c.ns, ['address', 'add', `${UNDERLAY.cMoved}/24`, 'dev', 'eth0'])

    // Nobody touches a config: C notices, re-announces, A updates its peer.
    await waitFor(async () => (await wgEndpoints(lab, a, ifname.a)).get(keyC) === `${UNDERLAY.cMoved}:51820`,
      { timeout: 10_000, what: 'A to learn C\'s new endpoint' })
    const record = (await a.api('GET', '/api/trust/cells')).body.cells.find((cell: any) => cell.cellId === c.cellId)
    assert.deepEqual(record.wgEndpoints, [`${UNDERLAY.cMoved}:51820`])
    await waitFor(async () => await lab.ping(a.ns, overlay.c.ipv4), { timeout: 5_000, what: 'A to ping C again' })
  })

  it('replaces C\'s key on A after C rotates it', async () => {
    const previous = await publicKey(c)
    const rotated = await c.cli(['mesh', 'rotate-key', '--json'])
    assert.equal(rotated.code, 0, rotated.stderr)
    const next = JSON.parse(rotated.stdout).publicKey as string
    assert.notEqual(next, previous)

    await waitFor(async () => {
      const keys = await wgEndpoints(lab, a, ifname.a)
      return keys.has(next) && !keys.has(previous)
    }, { timeout: 5_000, what: 'A to swap C\'s key' })
    await waitFor(async () => await lab.ping(a.ns, overlay.c.ipv4), { timeout: 5_000, what: 'A to ping C with the new key' })
  })

  it('sends A\'s traffic through B as exit node: D sees B\'s address', async () => {
    const stranger = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
    const refused = await a.api('POST', '/api/routing/exit-nodes', { peer: stranger })
    assert.equal(refused.status, 409, 'only a cell trusted for route can be the exit node')
    assert.equal((await b.api('POST', '/api/routing/nat', { type: 'masquerade', outInterface: 'eth1' })).status, 201)
    const exit = await a.cli(['mesh', 'exit', b.cellId])
    assert.equal(exit.code, 0, exit.stderr)
    await waitFor(async () => await lab.ping(a.ns, D_ADDRESS), { timeout: 5_000, what: 'A to reach D through B' })

    const lines = lab.node(nsD, `
      import { createSocket } from 'node:dgram'
      const socket = createSocket('udp4')
      socket.on('message', (_, from) => { console.log(from.address); process.exit(0) })
      socket.bind(0, ${JSON.stringify(D_ADDRESS)}, () => console.log(socket.address().port))`)
    const port = Number((await lines.next()).value)
    const sent = await lab.exec(a.ns, process.execPath, ['-e',
      `require('node:dgram').createSocket('udp4').send('x', ${port}, '${D_ADDRESS}', (e) => process.exit(e ? 1 : 0))`])
    assert.equal(sent.code, 0, sent.stderr)
    assert.equal((await lines.next()).value, B_TO_D, 'D sees the packet from B\'s address')

    const off = await a.cli(['mesh', 'exit', 'off'])
    assert.equal(off.code, 0, off.stderr)
    await waitFor(async () => !(await lab.ping(a.ns, D_ADDRESS)), { timeout: 5_000, what: 'the exit route to go' })
  })

  it('cuts C off within 2 s of B revoking it', async () => {
    const keyC = await publicKey(c)
    assert.ok((await wgEndpoints(lab, b, ifname.b)).has(keyC), 'B has C as a peer before')
    assert.equal(await lab.ping(c.ns, overlay.b.ipv4), true, 'C reaches B before')

    assert.equal((await b.api('POST', '/api/trust/revoke', { cell: c.cellId })).status, 200)
    const revoked = Date.now()
    await waitFor(async () => !(await wgEndpoints(lab, b, ifname.b)).has(keyC), { timeout: 2_000, interval: 25, what: 'B to drop C' })
    console.log(`      revoke to tunnel gone: ${Date.now() - revoked} ms`)
    assert.equal(await lab.ping(c.ns, overlay.b.ipv4), false, 'C no longer reaches B')
  })
})

async function run (lab: NetnsLab, ns: string, args: string[]): Promise<void> {
  const result = await lab.exec(ns, 'ip', args)
  assert.equal(result.code, 0, result.stderr)
}
