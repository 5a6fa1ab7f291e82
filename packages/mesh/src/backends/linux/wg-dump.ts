/**
 * Parser for `wg show <interface> dump` (wg(8), "show"): tab-separated, the
 * first line describes the interface (private key, public key, listen
 * port, fwmark), every other line one peer (public key, preshared key,
 * endpoint, allowed IPs, latest handshake, rx, tx, persistent keepalive).
 * The private key is dropped here and never leaves this function.
 */
import { canonicalCidr } from '../../net/cidr.ts'
import { formatEndpoint, parseEndpoint } from '../../net/endpoint.ts'

export interface DumpPeer {
  publicKey: string
  endpoint: string | null
  allowedIps: string[]
  /** Milliseconds since the epoch, null when no handshake happened */
  latestHandshake: number | null
  rxBytes: number
  txBytes: number
  persistentKeepalive: number
}

export interface WgDump {
  hasPrivateKey: boolean
  publicKey: string | null
  listenPort: number
  fwmark: number
  peers: DumpPeer[]
}

function none (value: string | undefined): boolean {
  return value == null || value === '(none)' || value === 'off' || value === ''
}

export function parseWgDump (text: string): WgDump {
  const lines = text.split('\n').filter((line) => line !== '')
  const head = (lines[0] ?? '').split('\t')
  const dump: WgDump = {
    hasPrivateKey: !none(head[0]),
    publicKey: none(head[1]) ? null : head[1],
    listenPort: Number(head[2]) || 0,
    fwmark: none(head[3]) ? 0 : Number(head[3]),
    peers: []
  }
  for (const line of lines.slice(1)) {
    const [publicKey, , endpoint, allowed, handshake, rx, tx, keepalive] = line.split('\t')
    const parsed = none(endpoint) ? null : parseEndpoint(endpoint)
    dump.peers.push({
      publicKey,
      endpoint: parsed == null ? null : formatEndpoint(parsed),
      allowedIps: none(allowed) ? [] : allowed.split(',').map((prefix) => canonicalCidr(prefix.trim())).sort(),
      latestHandshake: Number(handshake) > 0 ? Number(handshake) * 1000 : null,
      rxBytes: Number(rx) || 0,
      txBytes: Number(tx) || 0,
      persistentKeepalive: none(keepalive) ? 0 : Number(keepalive)
    })
  }
  return dump
}
