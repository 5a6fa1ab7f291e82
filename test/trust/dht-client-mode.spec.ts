/**
 * `p2p.dhtMode: client`: the cell asks the DHT but does not serve it. Its
 * connections do not offer the DHT protocol, so other cells never route
 * lookups or store records through it, yet it still publishes its own
 * peer record (through the servers it knows) and resolves other cells.
 */
import assert from 'node:assert/strict'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { DHT_PROTOCOL } from '../../packages/agent/src/constants.ts'
import { startAgent, stopAll } from '../fixtures/agent-process.ts'
import { createTestNode } from '../fixtures/libp2p-node.ts'
import { waitFor } from '../fixtures/wait.ts'
import type { CellLibp2p } from '../../packages/agent/src/p2p/libp2p-node.ts'

describe('DHT client mode (p2p.dhtMode)', function () {
  this.timeout(60_000)

  let probe: CellLibp2p | undefined

  after(async () => {
    await probe?.stop()
    await stopAll()
  })

  it('does not serve the DHT, yet publishes its record and resolves others', async () => {
    const server = await startAgent()
    const client = await startAgent({ bootstrap: await server.multiaddrs(), config: { p2p: { dhtMode: 'client' } } })
    const [serverId, clientId] = [await server.cellId(), await client.cellId()]

    const effective = (await client.api('GET', '/api/config')).body.effective
    assert.equal(effective.p2p.dhtMode, 'client')

    // What each agent offers a fresh peer, as identify reports it.
    probe = await createTestNode()
    await probe.dial(multiaddr((await server.multiaddrs())[0]))
    await probe.dial(multiaddr((await client.multiaddrs())[0]))
    const protocolsOf = async (id: string): Promise<string[]> => (await probe!.peerStore.get(peerIdFromString(id))).protocols
    await waitFor(async () => (await protocolsOf(clientId)).length > 0 && (await protocolsOf(serverId)).length > 0, { timeout: 10_000, what: 'identify from both agents' })
    assert.ok((await protocolsOf(serverId)).includes(DHT_PROTOCOL), 'the server offers the DHT')
    assert.ok(!(await protocolsOf(clientId)).includes(DHT_PROTOCOL), 'the client does not')

    // Neither trusts the other, so only the DHT can answer these lookups.
    const resolve = async (from: typeof server, id: string): Promise<{ cellId: string } | undefined> => {
      const { status, body } = await from.api('GET', `/api/trust/cells/${id}`)
      return status === 200 ? body.cell : undefined
    }
    const byServer = await waitFor(async () => await resolve(server, clientId), { timeout: 20_000, interval: 500, what: 'the server to find the client\'s record' })
    assert.equal(byServer.cellId, clientId)
    const byClient = await waitFor(async () => await resolve(client, serverId), { timeout: 20_000, interval: 500, what: 'the client to find the server\'s record' })
    assert.equal(byClient.cellId, serverId)
  })

  it('refuses a DHT mode that does not exist, naming the key', async () => {
    const agent = await startAgent()
    const { status, body } = await agent.api('PUT', '/api/config', { p2p: { dhtMode: 'sometimes' } })
    assert.equal(status, 400)
    assert.match(JSON.stringify(body.error), /dhtMode/)
  })
})
