/**
 * Peer records in the cells' DHT: key `/pic-peer/<cell id>`, value the
 * signed envelope. The validator accepts only a valid peer record signed by
 * the cell the key names; the selector prefers the highest seq. So a cell
 * can resolve a cell id it has not heard gossip about, and nobody can put a
 * record under someone else's id.
 */
import { openRecord } from '@cell/trust'
import { DHT_PEER_NAMESPACE } from './constants.ts'

const encoder = new TextEncoder()
const decoder = new TextDecoder()

export function peerRecordKey (cellId: string): Uint8Array {
  return encoder.encode(`/${DHT_PEER_NAMESPACE}/${cellId}`)
}

function cellIdOfKey (key: Uint8Array): string {
  const text = decoder.decode(key)
  const prefix = `/${DHT_PEER_NAMESPACE}/`
  if (!text.startsWith(prefix)) throw new Error('not a peer record key')
  return text.slice(prefix.length)
}

function openPeerRecord (key: Uint8Array, value: Uint8Array, now: number): { seq: number } {
  const opened = openRecord(value, { now })
  if (opened.kind !== 'peer-record' || opened.issuer !== cellIdOfKey(key)) {
    throw new Error('DHT value is not a peer record of the cell named by its key')
  }
  return { seq: opened.seq }
}

export function dhtPeerRecordOptions (now: () => number = Date.now): {
  validators: Record<string, (key: Uint8Array, value: Uint8Array) => Promise<void>>
  selectors: Record<string, (key: Uint8Array, values: Uint8Array[]) => number>
} {
  return {
    validators: {
      [DHT_PEER_NAMESPACE]: async (key, value) => { openPeerRecord(key, value, now()) }
    },
    selectors: {
      [DHT_PEER_NAMESPACE]: (key, values) => {
        let best = 0
        let bestSeq = -1
        for (const [index, value] of values.entries()) {
          try {
            const { seq } = openPeerRecord(key, value, now())
            if (seq > bestSeq) { best = index; bestSeq = seq }
          } catch {}
        }
        return best
      }
    }
  }
}
