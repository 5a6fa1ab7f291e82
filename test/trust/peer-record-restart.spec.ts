/**
 * A restart that changes nothing spreads the peer record the cell has; a
 * restart on another address issues a new one. (When a record is due for
 * renewal by age is unit-tested in packages/agent/test/trust/
 * peer-record-renewal.spec.ts.)
 */
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { startAgent, stopAll, tempDataDir } from '../fixtures/agent-process.ts'

/** A TCP port on loopback that was free a moment ago. */
async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => { server.listen(0, '127.0.0.1', resolve) })
  const address = server.address()
  await new Promise<void>(resolve => { server.close(() => { resolve() }) })
  if (address == null || typeof address === 'string') throw new Error('no port')
  return address.port
}

describe('peer record across restarts', function () {
  this.timeout(90_000)

  after(async () => { await stopAll() })

  it('keeps the same record when nothing changed, and issues a new one when the address did', async () => {
    const dataDir = await tempDataDir('peer-record')
    const listen = `/ip4/127.0.0.1/tcp/${await freePort()}`
    const ownRecord = async (agent: Awaited<ReturnType<typeof startAgent>>): Promise<{ seq: number, multiaddrs: string[] }> =>
      (await agent.api('GET', `/api/trust/cells/${await agent.cellId()}`)).body.cell

    let agent = await startAgent({ dataDir, listen })
    const first = await ownRecord(agent)
    await agent.stop()

    agent = await startAgent({ dataDir, listen })
    const second = await ownRecord(agent)
    assert.equal(second.seq, first.seq, 'the record was kept')
    await agent.stop()

    agent = await startAgent({ dataDir, listen: `/ip4/127.0.0.1/tcp/${await freePort()}` })
    const third = await ownRecord(agent)
    assert.ok(third.seq > first.seq, 'a new record for the new address')
    assert.notDeepEqual(third.multiaddrs, first.multiaddrs)
  })
})
