/**
 * The Linux backend leaves alone what it did not create, and adopts what
 * it created in an earlier run.
 */
import assert from 'node:assert/strict'
import { rm } from 'node:fs/promises'
import { LinuxBackend } from '../../../src/backends/linux/linux-backend.ts'
import { Sandbox, alive, namespaceSkipReason, pollUntil, run, tryRun } from '../../fixtures/system.ts'

describe('LinuxBackend ownership', function () {
  this.timeout(30_000)
  const sandbox = new Sandbox()
  const name = `po${process.pid}`
  let ns: string

  before(async function () {
    const reason = await namespaceSkipReason()
    if (reason != null) {
      console.log(`      skipping: ${reason}`)
      this.skip()
    }
    ns = await sandbox.namespace(`pic-own-${process.pid}`)
  })

  after(async () => {
    await sandbox.cleanup()
    // wireguard-go's control socket lives outside the namespace and outlives it.
    await rm(`/var/run/wireguard/${name}.sock`, { force: true })
  })

  it('refuses an interface name held by an interface it did not create', async () => {
    await run('ip', ['-n', ns, 'link', 'add', 'taken0', 'type', 'veth', 'peer', 'name', 'taken1'])
    const backend = new LinuxBackend({ netns: ns, interfaceName: 'taken0', mode: 'userspace' })
    await assert.rejects(backend.start(), { code: 'ERR_MESH_INTERFACE_BUSY' })
    assert.equal((await tryRun('ip', ['-n', ns, 'link', 'show', 'dev', 'taken0'])).code, 0, 'the foreign interface is untouched')
    await assert.rejects(backend.getState(), { code: 'ERR_MESH_BACKEND_NOT_STARTED' })
  })

  it('keeps its interface when asked and adopts it on the next start', async () => {
    const first = new LinuxBackend({ netns: ns, interfaceName: name, mode: 'userspace' })
    await first.start()
    const pid = first.userspacePid
    assert.ok(pid != null)
    sandbox.pids.push(pid)
    await first.apply([{ type: 'add-address', address: '100.64.9.9/10' }])
    await first.stop({ removeInterface: false })
    assert.ok(alive(pid), 'wireguard-go keeps running with the interface')

    const second = new LinuxBackend({ netns: ns, interfaceName: name, mode: 'auto' })
    await second.start()
    assert.equal(second.wireguardMode, 'userspace')
    assert.deepEqual((await second.getState()).interface?.addresses, ['100.64.9.9/10'])
    await second.stop({ removeInterface: true })
    assert.notEqual((await tryRun('ip', ['-n', ns, 'link', 'show', 'dev', name])).code, 0)
    await pollUntil(async () => !alive(pid), 'wireguard-go to exit with its interface', 5000)
  })
})
