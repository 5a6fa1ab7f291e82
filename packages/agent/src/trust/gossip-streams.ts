/**
 * Gossipsub opens its outbound stream to a peer once, when the connection
 * comes up, and never again: if that stream dies while the connection
 * stays (a reset, or its write buffer overflowing while the peer reads
 * slowly under load), this cell silently stops sending that peer anything
 * until the connection itself is replaced. The simulation harness showed
 * it at 500 cells under a record flood: half the connected links had no
 * gossip stream left.
 *
 * This re-opens the missing streams through gossipsub's own queue, the
 * path its connection handler takes. That queue and the stream table are
 * not on gossipsub's exported interface; if a release renames them, the
 * repair reports itself unavailable instead of failing.
 */
import { GOSSIP_STREAM_CHECK_INTERVAL } from './constants.ts'
import type { CellLibp2p } from '../p2p/libp2p-node.ts'
import type { Connection, PeerId } from '@libp2p/interface'
import type { Logger } from 'pino'

interface GossipsubInternals {
  peers: Map<string, PeerId>
  streamsOutbound: Map<string, unknown>
  outboundInflightQueue: { push(item: { peerId: PeerId, connection: Connection }): void }
}

function internals (libp2p: CellLibp2p): GossipsubInternals | undefined {
  const pubsub = libp2p.services.pubsub as unknown as Partial<GossipsubInternals>
  if (!(pubsub.peers instanceof Map) || !(pubsub.streamsOutbound instanceof Map) || typeof pubsub.outboundInflightQueue?.push !== 'function') {
    return undefined
  }
  return pubsub as GossipsubInternals
}

/** Gossip peers with an open connection but no outbound gossip stream; undefined if that cannot be told. */
export function peersWithoutGossipStream (libp2p: CellLibp2p): PeerId[] | undefined {
  const gossip = internals(libp2p)
  if (gossip == null) return undefined
  return [...gossip.peers].filter(([id, peerId]) =>
    !gossip.streamsOutbound.has(id) && libp2p.getConnections(peerId).some(connection => connection.status === 'open')
  ).map(([, peerId]) => peerId)
}

/** Ask gossipsub to open the missing outbound streams; returns how many were asked for. */
export function reopenGossipStreams (libp2p: CellLibp2p): number {
  const gossip = internals(libp2p)
  const missing = peersWithoutGossipStream(libp2p)
  if (gossip == null || missing == null) return 0
  for (const peerId of missing) {
    const connection = libp2p.getConnections(peerId).find(c => c.status === 'open')
    if (connection != null) gossip.outboundInflightQueue.push({ peerId, connection })
  }
  return missing.length
}

/** Look for lost gossip streams every GOSSIP_STREAM_CHECK_INTERVAL and re-open them; clear the timer to stop. */
export function watchGossipStreams (libp2p: CellLibp2p, log: Logger): NodeJS.Timeout {
  const timer = setInterval(() => {
    const reopened = reopenGossipStreams(libp2p)
    if (reopened > 0) log.info({ peers: reopened }, 'reopened %d lost gossip streams', reopened)
  }, GOSSIP_STREAM_CHECK_INTERVAL)
  timer.unref()
  return timer
}
