/**
 * Starting wireguard-go in a network namespace when it gives up at first:
 * a stand-in that exits once and then hands over to the real wireguard-go
 * is started again, and one that always exits is reported with its own
 * last words after a bounded number of starts.
 */
import assert from 'node:assert/strict'
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { USERSPACE_START_ATTEMPTS } from '../../../src/constants.ts'
import { CommandRunner } from '../../../src/backends/linux/command-runner.ts'
import { UserspaceWireguard } from '../../../src/backends/linux/wireguard-go.ts'
import { silentLogger } from '../../../src/logger.ts'
import { Sandbox, namespaceSkipReason, tryRun } from '../../fixtures/system.ts'

describe('wireguard-go start', function () {
  this.timeout(30_000)
  const sandbox = new Sandbox()
  const name = `pg${process.pid}`
  let ns: string
  let dir: string

  before(async function () {
    const reason = await namespaceSkipReason()
    if (reason != null) {
      console.log(`      skipping: ${reason}`)
      this.skip()
    }
    ns = await sandbox.namespace(`pic-wgo-${process.pid}`)
    dir = await mkdtemp(join(tmpdir(), 'wgo-'))
  })

  after(async () => {
    await sandbox.cleanup()
    await rm(`/var/run/wireguard/${name}.sock`, { force: true })
    if (dir != null) await rm(dir, { recursive: true, force: true })
  })

  /** A wireguard-go stand-in that counts its starts and fails the first `failures` of them. */
  async function standIn (label: string, failures: number): Promise<{ path: string, starts: () => Promise<number> }> {
    const counter = join(dir, `${label}.starts`)
    const path = join(dir, `${label}.sh`)
    await writeFile(path, [
      '#!/bin/sh',
      `echo start >> '${counter}'`,
      `if [ "$(wc -l < '${counter}')" -le ${failures} ]; then echo "could not open the TUN device, start $(wc -l < '${counter}')" >&2; exit 1; fi`,
      'exec wireguard-go "$@"',
      ''
    ].join('\n'))
    await chmod(path, 0o755)
    const starts = async (): Promise<number> => (await readFile(counter, 'utf8').catch(() => '')).split('\n').filter(line => line !== '').length
    return { path, starts }
  }

  it('starts wireguard-go again when it exits at once, and the interface comes up', async () => {
    const flaky = await standIn('flaky', 1)
    const userspace = new UserspaceWireguard(new CommandRunner({ netns: ns, binaries: { wireguardGo: flaky.path }, log: silentLogger() }), silentLogger())

    await userspace.start(name)
    if (userspace.pid != null) sandbox.pids.push(userspace.pid)
    assert.equal(await flaky.starts(), 2)
    assert.equal((await tryRun('ip', ['netns', 'exec', ns, 'wg', 'show', name, 'listen-port'])).code, 0, 'wg talks to the interface')

    await tryRun('ip', ['-n', ns, 'link', 'del', name])
    await userspace.stop()
  })

  it('gives up after a bounded number of starts, with wireguard-go\'s own reason', async () => {
    const broken = await standIn('broken', 100)
    const userspace = new UserspaceWireguard(new CommandRunner({ netns: ns, binaries: { wireguardGo: broken.path }, log: silentLogger() }), silentLogger())

    await assert.rejects(userspace.start(name), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'ERR_MESH_WIREGUARD_UNAVAILABLE')
      assert.match(err.message, new RegExp(`exited with code 1 before creating ${name}: could not open the TUN device, start ${USERSPACE_START_ATTEMPTS}`))
      return true
    })
    assert.equal(await broken.starts(), USERSPACE_START_ATTEMPTS)
  })
})
