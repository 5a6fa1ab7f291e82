/**
 * The sim's command line: defaults, units, the --processes shorthand, and
 * errors that name the option at fault.
 */
import assert from 'node:assert/strict'
import { parseOptions } from '../../src/cli/args.ts'
import { InvalidOptionError } from '../../src/errors.ts'

describe('sim command line', () => {
  it('fills in defaults and reads units', () => {
    const options = parseOptions(['--scenario', 'propagation', '--latency', '2s', '--jitter', '5%', '--cells', '40'])
    assert.equal(options.mode, 'libp2p')
    assert.equal(options.latency, 2000)
    assert.equal(options.jitter, 0.05)
    assert.equal(options.cells, 40)
    assert.equal(options.dht, 'client')
  })

  it('takes --processes as --mode processes', () => {
    assert.equal(parseOptions(['--scenario', 'revocation', '--processes']).mode, 'processes')
    assert.equal(parseOptions(['--scenario', 'revocation', '--processes', '--mode', 'processes']).mode, 'processes')
    assert.throws(() => parseOptions(['--scenario', 'revocation', '--processes', '--mode', 'model']), (err: Error) => err instanceof InvalidOptionError && /--processes/.test(err.message))
  })

  it('names the option a bad value belongs to', () => {
    assert.throws(() => parseOptions(['--scenario', 'join', '--cells', 'many']), (err: Error) => err instanceof InvalidOptionError && /--cells/.test(err.message))
    assert.throws(() => parseOptions(['--scenario', 'join', '--dht', 'sometimes']), (err: Error) => err instanceof InvalidOptionError && /--dht/.test(err.message))
    assert.throws(() => parseOptions(['--scenario', 'join', '--no-such-option']), InvalidOptionError)
  })
})
