/**
 * WireGuard endpoints: `host:port`, with IPv6 literals in brackets
 * (`[2001:db8::1]:51820`) as `wg` expects them.
 */
import { isIP } from 'node:net'
import { canonicalIp } from './cidr.ts'

export interface Endpoint {
  host: string
  port: number
  /** 4 or 6 for address literals, 0 for a DNS name */
  family: 0 | 4 | 6
}

/** RFC 1123 host names: labels of letters, digits and inner hyphens. */
const HOSTNAME = /^(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/

/** Parse `host:port`; `null` when malformed. */
export function parseEndpoint (text: string): Endpoint | null {
  if (typeof text !== 'string' || text.length > 300) {
    return null
  }
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text)
  if (match == null) {
    return null
  }
  const port = Number(match[3])
  if (port < 1 || port > 65535) {
    return null
  }
  if (match[1] != null) {
    return isIP(match[1]) === 6 ? { host: canonicalIp(match[1]) ?? match[1], port, family: 6 } : null
  }
  const host = match[2]
  if (isIP(host) === 4) {
    return { host: canonicalIp(host) ?? host, port, family: 4 }
  }
  return HOSTNAME.test(host) && !/^[\d.]+$/.test(host) ? { host: host.toLowerCase(), port, family: 0 } : null
}

/** The text form `wg` accepts. */
export function formatEndpoint (endpoint: Endpoint): string {
  return endpoint.family === 6 ? `[${endpoint.host}]:${endpoint.port}` : `${endpoint.host}:${endpoint.port}`
}

/**
 * Addresses no packet can be sent to: unspecified (`0.0.0.0`, `::`) and
 * multicast. Loopback stays usable: cells on one host talk over it.
 */
function unusable (endpoint: Endpoint): boolean {
  if (endpoint.family === 4) {
    const first = Number(endpoint.host.split('.')[0])
    return endpoint.host === '0.0.0.0' || (first >= 224 && first <= 239) || endpoint.host === '255.255.255.255'
  }
  if (endpoint.family === 6) {
    return endpoint.host === '::' || endpoint.host.startsWith('ff')
  }
  return false
}

/** The first endpoint of a record that parses and can be sent to. */
export function firstUsableEndpoint (endpoints: readonly string[], limit = Infinity): string | null {
  let seen = 0
  for (const text of endpoints) {
    if (seen++ >= limit) {
      break
    }
    const endpoint = parseEndpoint(text)
    if (endpoint != null && !unusable(endpoint)) {
      return formatEndpoint(endpoint)
    }
  }
  return null
}
