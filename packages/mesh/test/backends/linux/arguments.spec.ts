import assert from 'node:assert/strict'
import {
  cidrArg, endpointArg, integerArg, interfaceAddressArg, interfaceNameArg, keyPathArg, netnsArg, wgKeyArg
} from '../../../src/backends/linux/arguments.ts'
import { CommandRunner } from '../../../src/backends/linux/command-runner.ts'
import { silentLogger } from '../../../src/logger.ts'
import { testKey } from '../../fixtures/peers.ts'

describe('command arguments', () => {
  it('accepts well-formed values in canonical form', () => {
    assert.equal(interfaceNameArg('pic0'), 'pic0')
    assert.equal(wgKeyArg(testKey('x')), testKey('x'))
    assert.equal(cidrArg('10.0.0.9/8'), '10.0.0.0/8')
    assert.equal(interfaceAddressArg('100.64.3.4/10'), '100.64.3.4/10', 'host bits are kept on interface addresses')
    assert.equal(interfaceAddressArg('FDAB:BF08:7A36::1/48'), 'fdab:bf08:7a36::1/48')
    assert.equal(endpointArg('[2001:DB8::1]:5'), '[2001:db8::1]:5')
    assert.equal(integerArg(25, 0, 65535, 'keepalive'), '25')
    assert.equal(keyPathArg('/var/lib/cell/wg.key'), '/var/lib/cell/wg.key')
  })

  it('refuses values that could read as options or keywords', () => {
    const cases: Array<[() => unknown, string]> = [
      [() => interfaceNameArg('-pic'), 'interfaceName'],
      [() => interfaceNameArg('pic0 up'), 'interfaceName'],
      [() => interfaceNameArg('sixteen-chars-xx'), 'interfaceName'],
      [() => wgKeyArg('remove'), 'publicKey'],
      [() => cidrArg('10.0.0.1'), 'prefix'],
      [() => interfaceAddressArg('100.64.0.1'), 'address'],
      [() => endpointArg('--help'), 'endpoint'],
      [() => integerArg(1.5, 0, 10, 'n'), 'n'],
      [() => keyPathArg('wg.key'), 'privateKeyPath'],
      [() => netnsArg('../etc'), 'netns']
    ]
    for (const [fn, field] of cases) {
      assert.throws(fn, { code: 'ERR_MESH_INVALID_ARGUMENT', field })
    }
  })

  it('wraps commands for a namespace and refuses NUL bytes', () => {
    const runner = new CommandRunner({ netns: 'cell-a', log: silentLogger() })
    assert.deepEqual(runner.command('wg', ['show', 'pic0']), ['ip', ['netns', 'exec', 'cell-a', 'wg', 'show', 'pic0']])
    assert.throws(() => runner.command('wg', ['show\0x']), { code: 'ERR_MESH_INVALID_ARGUMENT' })
  })

  it('reports a failing command with its exit code and stderr', async () => {
    const runner = new CommandRunner({ log: silentLogger(), binaries: { ip: process.execPath } })
    await assert.rejects(runner.run('ip', ['-e', 'process.stderr.write("bad thing"); process.exit(3)']), (err: unknown) => {
      assert.ok(err instanceof Error && 'code' in err)
      assert.equal(err.code, 'ERR_MESH_COMMAND_FAILED')
      assert.equal((err as unknown as { exitCode: number }).exitCode, 3)
      assert.match(err.message, /bad thing/)
      return true
    })
  })

  it('feeds input on stdin', async () => {
    const runner = new CommandRunner({ log: silentLogger(), binaries: { nft: process.execPath } })
    const { stdout } = await runner.run('nft', ['-e', 'process.stdin.pipe(process.stdout)'], { input: 'table inet pic\n' })
    assert.equal(stdout, 'table inet pic\n')
  })
})
