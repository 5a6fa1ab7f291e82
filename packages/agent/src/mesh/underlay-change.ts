/**
 * What a cell does when its own underlay addresses change (a laptop moves
 * networks, a lease renews with a new address): connections that left from
 * an address the machine no longer has are dead but look open, and TCP
 * would take minutes to notice. The cell hangs them up and dials the same
 * cells again, so its new peer record (with the new WireGuard endpoints)
 * reaches them at once through the sync that opens every connection.
 */
import type { CellLibp2p } from '../p2p/libp2p-node.ts'
import type { Logger } from 'pino'

/** Budget for redialling one cell after an address change. */
const REDIAL_TIMEOUT = 5_000

export async function reconnectAll (libp2p: CellLibp2p, log: Logger): Promise<{ redialled: number, failed: number }> {
  const peers = libp2p.getPeers()
  let failed = 0
  await Promise.all(peers.map(async peer => {
    try {
      await libp2p.hangUp(peer)
      await libp2p.dial(peer, { signal: AbortSignal.timeout(REDIAL_TIMEOUT) })
    } catch (err) {
      failed++
      log.debug({ err, peer: peer.toString() }, 'redial of %s after an address change failed', peer.toString())
    }
  }))
  return { redialled: peers.length - failed, failed }
}
