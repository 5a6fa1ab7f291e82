/**
 * `/pic/ca/1.0.0`: a cell asks another for its CA certificate.
 *
 * The asking cell opens the stream and sends nothing; the answering cell
 * writes one length-prefixed message, its CA certificate as PEM text, and
 * closes. The CA needs no signature of its own: libp2p's Noise handshake
 * authenticated the connection to the remote cell's key, and the cell id is
 * that key, so what arrives on a stream to cell X is what X sent.
 *
 * A CA is not secret, but a cell answers only cells it trusts for at least
 * one scope: strangers have no use for it, and serving them would let
 * anyone probe which cells run a vault. Everyone else gets the stream reset
 * and no data.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { lpStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { SECOND } from '../constants.ts'
import type { CellLibp2p } from '../p2p/libp2p-node.ts'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { PeerId } from '@libp2p/interface'
import type { Logger } from 'pino'

export const CA_PROTOCOL = '/pic/ca/1.0.0'
/** Largest CA answer read; the vault refuses larger peer CA PEMs too. */
export const MAX_CA_MESSAGE = 16 * 1024
/** One exchange, dial included, either side. */
export const CA_EXCHANGE_TIMEOUT = 10 * SECOND
/** Concurrent CA streams one connection may open to this cell. */
const MAX_INBOUND_STREAMS = 2

/** Fetching a peer's CA failed: unreachable, refused, too large or not text. */
export class CaExchangeError extends Error {
  static readonly code = 'ERR_CA_EXCHANGE'
  readonly code = CaExchangeError.code

  constructor (cellId: string, reason: string, options?: ErrorOptions) {
    super(`Cannot fetch the CA of cell ${cellId}: ${reason}`, options)
    this.name = 'CaExchangeError'
  }
}

export interface ServeCaInit {
  libp2p: CellLibp2p
  /** This cell's CA PEM, or undefined while the vault is not open */
  caPem(): string | undefined
  /** Whether this cell trusts `cellId` for at least one scope */
  isTrusted(cellId: string): boolean
  log: Logger
}

/** Answer CA requests of trusted cells. */
export async function serveCa (init: ServeCaInit): Promise<void> {
  await init.libp2p.handle(CA_PROTOCOL, async (stream, connection) => {
    const asker = connection.remotePeer.toString()
    const caPem = init.isTrusted(asker) ? init.caPem() : undefined
    if (caPem == null) {
      init.log.debug({ cell: asker }, 'not serving the CA to %s (not trusted, or vault closed)', asker)
      stream.abort(new Error('CA not served'))
      return
    }

    const signal = AbortSignal.timeout(CA_EXCHANGE_TIMEOUT)
    try {
      await lpStream(stream, { maxDataLength: MAX_CA_MESSAGE }).write(new TextEncoder().encode(caPem), { signal })
      await stream.close({ signal })
      init.log.debug({ cell: asker }, 'served the CA to %s', asker)
    } catch (err) {
      init.log.debug({ err, cell: asker }, 'serving the CA to %s failed', asker)
      stream.abort(err as Error)
    }
  }, { maxInboundStreams: MAX_INBOUND_STREAMS })
}

/**
 * Where to reach `cellId`: over an open connection if there is one, else
 * at the addresses of its peer record (libp2p would otherwise need a peer
 * routing lookup), else by id alone.
 */
function dialTarget (libp2p: CellLibp2p, cellId: string, multiaddrs: readonly string[]): PeerId | Multiaddr[] {
  const peer = peerIdFromString(cellId)
  if (libp2p.getConnections(peer).length > 0 || multiaddrs.length === 0) return peer
  return multiaddrs.map(address => multiaddr(address.includes('/p2p/') ? address : `${address}/p2p/${cellId}`))
}

/** Fetch the CA PEM of `cellId`; the vault checks what it is before accepting it. */
export async function fetchCa (libp2p: CellLibp2p, cellId: string, multiaddrs: readonly string[], signal: AbortSignal): Promise<string> {
  const bounded = AbortSignal.any([signal, AbortSignal.timeout(CA_EXCHANGE_TIMEOUT)])
  let target: PeerId | Multiaddr[]
  try {
    target = dialTarget(libp2p, cellId, multiaddrs)
  } catch (err) {
    throw new CaExchangeError(cellId, 'not a cell id or address', { cause: err })
  }

  const stream = await libp2p.dialProtocol(target, CA_PROTOCOL, { signal: bounded }).catch(err => {
    throw new CaExchangeError(cellId, `unreachable (${(err as Error).message})`, { cause: err })
  })
  try {
    const bytes = await lpStream(stream, { maxDataLength: MAX_CA_MESSAGE }).read({ signal: bounded })
    await stream.close({ signal: bounded }).catch(() => {})
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray())
  } catch (err) {
    stream.abort(err as Error)
    throw new CaExchangeError(cellId, `no answer (${(err as Error).message}); it may not trust this cell (yet)`, { cause: err })
  }
}
