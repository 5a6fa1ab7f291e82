/**
 * Builds the cell's libp2p node: TCP, Noise, Yamux, identify, ping, a
 * Kademlia DHT under the cells' own protocol (never the public IPFS DHT),
 * gossipsub, bootstrap peers and optional mDNS on the LAN.
 */
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { bootstrap } from '@libp2p/bootstrap'
import { gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { kadDHT, passthroughMapper } from '@libp2p/kad-dht'
import { mdns } from '@libp2p/mdns'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { createLibp2p } from 'libp2p'
import { CONNECTION_PING_INTERVAL, CONNECTION_PING_TIMEOUT, DHT_PROTOCOL } from '../constants.ts'
import { withCachedSigning } from './cached-signing-key.ts'
import type { GossipsubOpts, GossipSub } from '@libp2p/gossipsub'
import type { Identify } from '@libp2p/identify'
import type { KadDHT, KadDHTInit } from '@libp2p/kad-dht'
import type { Ping } from '@libp2p/ping'
import type { Datastore } from 'interface-datastore'
import type { Libp2p, PeerDiscovery, PeerId, PrivateKey, ComponentLogger, Transport } from '@libp2p/interface'

export interface CellServices {
  identify: Identify
  ping: Ping
  dht: KadDHT
  pubsub: GossipSub
  [key: string]: unknown
}

export type CellLibp2p = Libp2p<CellServices>

export interface Libp2pNodeInit {
  privateKey: PrivateKey
  datastore: Datastore
  listen: string[]
  announce: string[]
  bootstrap: string[]
  mdns: boolean
  maxConnections: number
  /** DHT record validators and selectors contributed by other parts, and the DHT role */
  dht?: Pick<KadDHTInit, 'validators' | 'selectors' | 'clientMode'>
  /** Gossipsub options contributed by the gossip layer (scoring etc.) */
  gossipsub?: Partial<GossipsubOpts>
  /** Replace TCP, e.g. with @libp2p/memory in simulations */
  transports?: Array<(components: any) => Transport>
  /** libp2p's own debug logger, when the host wants it */
  logger?: ComponentLogger
  /** Peers to neither dial nor accept (this cell's blocked cells); asked on every connection */
  refuses?(peerId: string): boolean
}

export async function createCellLibp2p (init: Libp2pNodeInit): Promise<CellLibp2p> {
  const peerDiscovery: Array<(components: any) => PeerDiscovery> = []
  if (init.bootstrap.length > 0) {
    peerDiscovery.push(bootstrap({ list: init.bootstrap }))
  }
  if (init.mdns) {
    peerDiscovery.push(mdns())
  }

  const refuses = (peerId: PeerId): boolean => init.refuses?.(peerId.toString()) ?? false
  return createLibp2p({
    privateKey: withCachedSigning(init.privateKey),
    // Inbound peers are known only once Noise has authenticated them.
    connectionGater: { denyDialPeer: refuses, denyInboundEncryptedConnection: refuses, denyOutboundEncryptedConnection: refuses },
    datastore: init.datastore,
    ...(init.logger != null ? { logger: init.logger } : {}),
    addresses: { listen: init.listen, announce: init.announce },
    transports: init.transports ?? [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    peerDiscovery,
    connectionManager: { maxConnections: init.maxConnections },
    connectionMonitor: { pingInterval: CONNECTION_PING_INTERVAL, pingTimeout: { minTimeout: CONNECTION_PING_TIMEOUT } },
    services: {
      identify: identify(),
      // libp2p's connection monitor pings every connection too; allow a
      // few concurrent pings so connectivity tests do not collide with it.
      ping: ping({ maxOutboundStreams: 4, maxInboundStreams: 4 }),
      dht: kadDHT({
        protocol: DHT_PROTOCOL,
        clientMode: false,
        // Cells on one LAN or one host use private and loopback addresses;
        // the public-DHT mappers would strip exactly those.
        peerInfoMapper: passthroughMapper,
        // By default a query waits, up to its whole timeout, for a first
        // peer in the routing table. A cell alone, or among DHT clients
        // only, would then hang every lookup (an API call) for that long;
        // instead a query with no peers ends at once with what the cell
        // holds, and the peer-record publisher retries its put on a backoff.
        allowQueryWithZeroPeers: true,
        ...init.dht
      }),
      pubsub: gossipsub({
        allowPublishToZeroTopicPeers: true,
        emitSelf: false,
        ...init.gossipsub
      })
    }
  })
}
