import assert from 'node:assert/strict'
import { patchFromPath } from '../../src/commands/config.ts'

describe('cell config set', () => {
  it('turns a dotted key and a JSON value into a nested patch', () => {
    assert.deepEqual(patchFromPath('api.port', '3001'), { api: { port: 3001 } })
    assert.deepEqual(patchFromPath('p2p.mdns', 'false'), { p2p: { mdns: false } })
    assert.deepEqual(patchFromPath('p2p.bootstrap', '["/ip4/1.2.3.4/tcp/1"]'), { p2p: { bootstrap: ['/ip4/1.2.3.4/tcp/1'] } })
  })

  it('keeps a value that is not JSON as a string', () => {
    assert.deepEqual(patchFromPath('cell.name', 'alpha'), { cell: { name: 'alpha' } })
  })

  it('refuses keys that are not dotted names', () => {
    assert.throws(() => patchFromPath('__proto__..x', '1'), { code: 'ERR_INVALID_KEY' })
    assert.throws(() => patchFromPath('a/b', '1'), { code: 'ERR_INVALID_KEY' })
  })
})
