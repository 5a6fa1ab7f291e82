/**
 * The Linux backend for real: three network namespaces A - B - C joined by
 * veth pairs, a cell in A and one in B, each run by its own LinuxBackend
 * inside its namespace. Cleans up every namespace and wireguard-go process.
 */
import assert from 'node:assert/strict'
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { deriveOverlayAddresses } from '@cell/trust'
import { LinuxBackend } from '../../../src/backends/linux/linux-backend.ts'
import { desiredMeshState } from '../../../src/desired/desired-state.ts'
import { diffMeshState } from '../../../src/diff/diff.ts'
import { MeshReconciler } from '../../../src/reconciler.ts'
import { Sandbox, alive, kernelWireguardReason, namespaceSkipReason, pollUntil, run, tryRun, wireguardKeyPair } from '../../fixtures/system.ts'
import type { MeshPeerInput, OverlayPair, RoutingConfigInput } from '../../../src/index.ts'

// Fixed port and addresses are safe: they live only in namespaces this test owns.
const PORT = 51820
const A_UNDERLAY = '10.77.1.1'
const B_UNDERLAY = '10.77.1.2'
const B_ROAMED = '10.77.1.3'
const B_TO_C = '10.77.2.1'
const C_ADDRESS = '10.77.2.2'

interface Cell {
  ns: string
  cellId: string
  keys: { privateKey: string, publicKey: string }
  keyPath: string
  overlay: OverlayPair
  backend: LinuxBackend
  reconciler: MeshReconciler
}

async function ping (ns: string, address: string): Promise<boolean> {
  return (await tryRun('ip', ['netns', 'exec', ns, 'ping', '-c1', '-W1', '-n', address])).code === 0
}

/** Connect to TCP host:port from a namespace; true when the connection opens within a second. */
async function tcpOpens (sandbox: Sandbox, ns: string, host: string, port: number): Promise<boolean> {
  const { lines } = await sandbox.node(ns, `
    import { connect } from 'node:net'
    const socket = connect({ host: ${JSON.stringify(host)}, port: ${port}, timeout: 1000 })
    socket.on('connect', () => { console.log('open'); process.exit(0) })
    socket.on('timeout', () => { console.log('closed'); process.exit(0) })
    socket.on('error', () => { console.log('closed'); process.exit(0) })`)
  return (await lines.next()).value === 'open'
}

for (const mode of ['userspace', 'kernel'] as const) {
  describe(`LinuxBackend in network namespaces (${mode})`, function () {
    this.timeout(60_000)
    const suffix = `${process.pid}${mode[0]}`
    const sandbox = new Sandbox()
    let dir: string
    let a: Cell
    let b: Cell

    const peerOf = (cell: Cell, endpoint: string, scopes: string[]): MeshPeerInput => ({
      cellId: cell.cellId,
      wgPublicKey: cell.keys.publicKey,
      endpoints: [`${endpoint}:${PORT}`],
      overlay: cell.overlay,
      advertisedPrefixes: [],
      scopes: new Set(scopes)
    })
    const desiredFor = (cell: Cell, peers: MeshPeerInput[], routing: RoutingConfigInput = {}) => desiredMeshState({
      self: { privateKeyPath: cell.keyPath, listenPort: PORT, overlay: cell.overlay, interfaceName: `p${cell.cellId}${suffix}` },
      peers,
      routing
    })

    before(async function () {
      const reason = await namespaceSkipReason() ?? (mode === 'kernel' ? await kernelWireguardReason() : null)
      if (reason != null) {
        console.log(`      skipping: ${reason}`)
        this.skip()
      }
      dir = await mkdtemp(join(tmpdir(), 'mesh-netns-'))
      const [nsA, nsB, nsC] = [await sandbox.namespace(`pic-a-${suffix}`), await sandbox.namespace(`pic-b-${suffix}`), await sandbox.namespace(`pic-c-${suffix}`)]
      await run('ip', ['-n', nsA, 'link', 'add', 'eth-ab', 'type', 'veth', 'peer', 'name', 'eth-ba', 'netns', nsB])
      await run('ip', ['-n', nsB, 'link', 'add', 'eth-bc', 'type', 'veth', 'peer', 'name', 'eth-cb', 'netns', nsC])
      for (const [ns, dev, address] of [[nsA, 'eth-ab', A_UNDERLAY], [nsB, 'eth-ba', B_UNDERLAY], [nsB, 'eth-bc', B_TO_C], [nsC, 'eth-cb', C_ADDRESS]]) {
        await run('ip', ['-n', ns, 'address', 'add', `${address}/24`, 'dev', dev])
        await run('ip', ['-n', ns, 'link', 'set', dev, 'up'])
      }

      const makeCell = async (name: 'a' | 'b', ns: string): Promise<Cell> => {
        const keys = wireguardKeyPair()
        const keyPath = join(dir, `${name}.key`)
        await writeFile(keyPath, keys.privateKey + '\n', { mode: 0o600 })
        await chmod(keyPath, 0o600)
        const backend = new LinuxBackend({ netns: ns, interfaceName: `p${name}${suffix}`, mode })
        return { ns, cellId: name, keys, keyPath, overlay: deriveOverlayAddresses(randomBytes(32)), backend, reconciler: new MeshReconciler({ backend }) }
      }
      a = await makeCell('a', nsA)
      b = await makeCell('b', nsB)
      await a.backend.start()
      await b.backend.start()
      for (const cell of [a, b]) {
        if (cell.backend.userspacePid != null) sandbox.pids.push(cell.backend.userspacePid)
      }
    })

    after(async () => {
      for (const cell of [a, b]) {
        await cell?.backend.stop({ removeInterface: true }).catch(() => {})
      }
      await sandbox.cleanup()
      if (dir != null) await rm(dir, { recursive: true, force: true })
    })

    it(`runs WireGuard in ${mode} mode and reports it`, async () => {
      assert.equal(a.backend.wireguardMode, mode)
      const status = await a.backend.status()
      assert.equal(status.mode, mode)
      assert.equal(status.running, true)
    })

    it('brings up a tunnel: ping over overlay IPv4 and IPv6', async () => {
      await a.reconciler.apply(desiredFor(a, [peerOf(b, B_UNDERLAY, ['mesh', 'route'])]))
      await b.reconciler.apply(desiredFor(b, [peerOf(a, A_UNDERLAY, ['mesh'])]))
      await pollUntil(async () => await ping(a.ns, b.overlay.ipv4), 'IPv4 ping A -> B over the overlay')
      await pollUntil(async () => await ping(a.ns, b.overlay.ipv6), 'IPv6 ping A -> B over the overlay')

      const status = await a.backend.status()
      assert.equal(status.peers.length, 1)
      assert.ok(status.peers[0].latestHandshake != null, 'a handshake happened')
      assert.ok(status.peers[0].rxBytes > 0 && status.peers[0].txBytes > 0)
    })

    it('reads back exactly the state it applied', async () => {
      const desired = desiredFor(a, [peerOf(b, B_UNDERLAY, ['mesh', 'route'])])
      assert.deepEqual(diffMeshState(await a.backend.getState(), desired), [])
    })

    it('opens a service port only to cells trusted for its scope', async () => {
      const { lines } = await sandbox.node(b.ns, `
        import { createServer } from 'node:net'
        let ready = 0
        for (const port of [25, 8080]) createServer((s) => s.end()).listen(port, '::', () => { if (++ready === 2) console.log('ready') })`)
      assert.equal((await lines.next()).value, 'ready')
      assert.equal(await tcpOpens(sandbox, a.ns, b.overlay.ipv4, 8080), true, 'a mesh cell reaches a non-service port')
      assert.equal(await tcpOpens(sandbox, a.ns, b.overlay.ipv4, 25), false, 'mail is closed without the mail scope')

      await b.reconciler.apply(desiredFor(b, [peerOf(a, A_UNDERLAY, ['mesh', 'mail'])]))
      assert.equal(await tcpOpens(sandbox, a.ns, b.overlay.ipv4, 25), true, 'mail opens with the mail scope')
      assert.equal(await tcpOpens(sandbox, a.ns, b.overlay.ipv6, 25), true, 'and over IPv6')
    })

    it('cuts a peer off when it is removed', async () => {
      const result = await a.reconciler.apply(desiredFor(a, []))
      assert.deepEqual(result.changes.filter((c) => c.type === 'remove-peer').length, 1)
      assert.equal(await ping(a.ns, b.overlay.ipv4), false)
      assert.equal((await a.backend.status()).peers.length, 0)

      await a.reconciler.apply(desiredFor(a, [peerOf(b, B_UNDERLAY, ['mesh', 'route'])]))
      await pollUntil(async () => await ping(a.ns, b.overlay.ipv4), 'the tunnel after re-adding the peer')
    })

    it('recovers after the peer roams once the reconciler updates its endpoint', async () => {
      await run('ip', ['-n', b.ns, 'address', 'del', `${B_UNDERLAY}/24`, 'dev', 'eth-ba'])
      await run('ip', ['-n', b.ns, 'address', 'add', `${B_ROAMED}/24`, 'dev', 'eth-ba'])

      const result = await a.reconciler.apply(desiredFor(a, [peerOf(b, B_ROAMED, ['mesh', 'route'])]))
      const update = result.changes.find((change) => change.type === 'update-peer')
      assert.ok(update?.type === 'update-peer' && update.fields.includes('endpoint'))
      assert.equal((await a.backend.status()).peers[0].endpoint, `${B_ROAMED}:${PORT}`)
      await pollUntil(async () => await ping(a.ns, b.overlay.ipv4), 'the tunnel after the endpoint update')
    })

    it('sends traffic through an exit node that masquerades it', async () => {
      await b.reconciler.apply(desiredFor(b, [peerOf(a, A_UNDERLAY, ['mesh', 'route'])], {
        nat: [{ type: 'masquerade', outInterface: 'eth-bc' }],
        forwarding: true
      }))
      const desiredA = desiredFor(a, [peerOf(b, B_ROAMED, ['mesh', 'route'])], { exitNode: 'b' })
      assert.equal(desiredA.policyRouting, true)
      await a.reconciler.apply(desiredA)

      const { lines } = await sandbox.node(`pic-c-${suffix}`, `
        import { createSocket } from 'node:dgram'
        const socket = createSocket('udp4')
        socket.on('message', (_, from) => { console.log(from.address); process.exit(0) })
        socket.bind(0, ${JSON.stringify(C_ADDRESS)}, () => console.log(socket.address().port))`)
      const port = Number((await lines.next()).value)
      await pollUntil(async () => await ping(a.ns, C_ADDRESS), 'ping A -> C through the exit node')
      await run('ip', ['netns', 'exec', a.ns, process.execPath, '-e',
        `require('node:dgram').createSocket('udp4').send('x', ${port}, '${C_ADDRESS}', (e) => process.exit(e ? 1 : 0))`])
      assert.equal((await lines.next()).value, B_TO_C, 'C sees the packet from B\'s address')

      assert.equal(await ping(a.ns, b.overlay.ipv4), true, 'the overlay still works with the exit node on')
    })

    it('removes only what it created on stop', async () => {
      const pids = [a.backend.userspacePid, b.backend.userspacePid]
      await a.backend.stop({ removeInterface: true })
      await b.backend.stop({ removeInterface: true })

      for (const cell of [a, b]) {
        const name = `p${cell.cellId}${suffix}`
        assert.notEqual((await tryRun('ip', ['-n', cell.ns, 'link', 'show', 'dev', name])).code, 0, `${name} is gone`)
        assert.notEqual((await tryRun('ip', ['netns', 'exec', cell.ns, 'nft', 'list', 'table', 'inet', 'pic'])).code, 0, 'table is gone')
        assert.doesNotMatch(await run('ip', ['-n', cell.ns, 'rule', 'show']), /51820/, 'policy rules are gone')
        assert.match(await run('ip', ['-n', cell.ns, 'link', 'show']), /eth-/, 'the veth interfaces are untouched')
      }
      assert.equal(await run('ip', ['netns', 'exec', b.ns, 'sysctl', '-n', 'net.ipv4.ip_forward']).then((s) => s.trim()), '0', 'forwarding restored')
      for (const pid of pids) {
        if (pid != null) await pollUntil(async () => !alive(pid), `wireguard-go ${pid} to exit`, 5000)
      }
    })
  })
}
