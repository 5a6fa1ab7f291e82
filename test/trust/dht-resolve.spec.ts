/**
 * A cell resolves the peer record of a cell it does not trust through the
 * cells' DHT: gossip and sync only store records from inside the horizon,
 * so the record is not in the store, and the DHT lookup finds it.
 */
import assert from 'node:assert/strict'
import { startAgent, stopAll } from '../fixtures/agent-process.ts'
import { waitFor } from '../fixtures/wait.ts'

describe('resolving a cell id through the DHT', function () {
  this.timeout(60_000)

  after(async () => { await stopAll() })

  it('finds the signed peer record of an untrusted cell', async () => {
    const a = await startAgent()
    const b = await startAgent({ bootstrap: await a.multiaddrs() })
    const bId = await b.cellId()

    const cells = (await a.api('GET', '/api/trust/cells')).body.cells as Array<{ cellId: string }>
    assert.equal(cells.some(cell => cell.cellId === bId), false, 'B is not in A\'s store: A does not trust B')

    const record = await waitFor(async () => {
      const { status, body } = await a.api('GET', `/api/trust/cells/${bId}`)
      return status === 200 ? body.cell : undefined
    }, { timeout: 20_000, interval: 500, what: 'A to resolve B through the DHT' })
    assert.equal(record.cellId, bId)
    assert.deepEqual(record.multiaddrs, await b.multiaddrs().then(addrs => addrs.slice(0, 16)))
  })

  it('answers 404 for a cell nobody has heard of, and 400 for a bad id', async () => {
    const a = await startAgent()
    const unknown = await a.api('GET', '/api/trust/cells/12D3KooWRBy97UB99e3J6hiPesre1MZeuNQvfan4gBziswrRJsNK')
    assert.equal(unknown.status, 404)
    assert.equal(unknown.body.error.code, 'ERR_NOT_FOUND')
    const bad = await a.api('GET', '/api/trust/cells/not-a-cell')
    assert.equal(bad.status, 400)
  })
})
