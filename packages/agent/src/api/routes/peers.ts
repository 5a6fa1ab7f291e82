/** `/api/peers`: the libp2p peers this cell is connected to, and dialing. */
import { multiaddr } from '@multiformats/multiaddr'
import { z } from 'zod'
import { InvalidInputError } from '../../errors.ts'
import { parseInput } from '../validate.ts'
import type { RouteModule } from '../context.ts'
import type { CellLibp2p } from '../../p2p/libp2p-node.ts'

const connectBody = z.strictObject({
  multiaddr: z.string().min(2).max(1024),
  timeoutMs: z.number().int().min(100).max(60_000).default(10_000)
})

function listPeers (node: CellLibp2p): Array<Record<string, unknown>> {
  const byPeer = new Map<string, { peerId: string, addresses: string[], directions: string[] }>()
  for (const connection of node.getConnections()) {
    const id = connection.remotePeer.toString()
    const entry = byPeer.get(id) ?? { peerId: id, addresses: [], directions: [] }
    entry.addresses.push(connection.remoteAddr.toString())
    entry.directions.push(connection.direction)
    byPeer.set(id, entry)
  }
  return [...byPeer.values()].sort((a, b) => a.peerId.localeCompare(b.peerId))
}

export const peerRoutes: RouteModule = (router, api) => {
  router.get('/api/peers', ctx => {
    ctx.body = { peers: listPeers(api.libp2p()) }
  })

  router.post('/api/peers/connect', async ctx => {
    const body = parseInput(connectBody, ctx.request.body)
    let address
    try {
      address = multiaddr(body.multiaddr)
    } catch (err) {
      throw new InvalidInputError(`Invalid body.multiaddr: ${(err as Error).message}`)
    }
    if (address.getComponents().find(component => component.name === 'p2p') == null) {
      throw new InvalidInputError('Invalid body.multiaddr: must end with /p2p/<peer id> so the remote cell is authenticated')
    }

    const node = api.libp2p()
    try {
      const connection = await node.dial(address, { signal: AbortSignal.timeout(body.timeoutMs) })
      ctx.body = { peerId: connection.remotePeer.toString(), address: connection.remoteAddr.toString() }
    } catch (err) {
      ctx.status = 502
      ctx.body = { error: { code: 'ERR_DIAL_FAILED', message: `Could not connect to ${body.multiaddr}: ${(err as Error).message}` } }
    }
  })
}
