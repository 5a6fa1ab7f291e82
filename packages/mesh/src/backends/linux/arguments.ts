/**
 * Checks on every value that becomes a command-line argument. Commands run
 * without a shell, so nothing here is about quoting; it stops a value from
 * being read as an option (`-x`) or as another keyword of `wg`/`ip`.
 */
import { InvalidArgumentError } from '../../errors.ts'
import { canonicalIp, tryCanonicalCidr } from '../../net/cidr.ts'
import { formatEndpoint, parseEndpoint } from '../../net/endpoint.ts'
import { isWireguardKey } from '../../net/keys.ts'

export function interfaceNameArg (name: string, field = 'interfaceName'): string {
  if (typeof name !== 'string' || !/^[A-Za-z0-9_.-]{1,15}$/.test(name) || name === '.' || name === '..' || name.startsWith('-')) {
    throw new InvalidArgumentError(field, 'not a valid Linux interface name')
  }
  return name
}

export function netnsArg (name: string): string {
  if (typeof name !== 'string' || !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/.test(name)) {
    throw new InvalidArgumentError('netns', 'not a valid network namespace name')
  }
  return name
}

export function wgKeyArg (key: string): string {
  if (!isWireguardKey(key)) {
    throw new InvalidArgumentError('publicKey', 'not a base64 WireGuard key')
  }
  return key
}

export function cidrArg (cidr: string, field = 'prefix'): string {
  const canonical = tryCanonicalCidr(cidr)
  if (canonical == null || !cidr.includes('/')) {
    throw new InvalidArgumentError(field, `not a CIDR prefix: ${String(cidr).slice(0, 64)}`)
  }
  return canonical
}

/** An interface address: `address/length` with host bits kept. */
export function interfaceAddressArg (value: string): string {
  const slash = typeof value === 'string' ? value.indexOf('/') : -1
  const ip = slash < 0 ? null : canonicalIp(value.slice(0, slash))
  if (ip == null || tryCanonicalCidr(value) == null) {
    throw new InvalidArgumentError('address', `not an interface address: ${String(value).slice(0, 64)}`)
  }
  return `${ip}/${Number(value.slice(slash + 1))}`
}

export function endpointArg (value: string): string {
  const endpoint = parseEndpoint(value)
  if (endpoint == null) {
    throw new InvalidArgumentError('endpoint', `not a host:port endpoint: ${String(value).slice(0, 64)}`)
  }
  return formatEndpoint(endpoint)
}

export function integerArg (value: number, min: number, max: number, field: string): string {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(field, `must be an integer from ${min} to ${max}`)
  }
  return String(value)
}

export function portArg (value: number, field = 'listenPort'): string {
  return integerArg(value, 1, 65535, field)
}

/** An absolute path to a key file; never the key itself. */
export function keyPathArg (path: string): string {
  if (typeof path !== 'string' || !path.startsWith('/') || path.includes('\0') || path.length > 4096) {
    throw new InvalidArgumentError('privateKeyPath', 'must be an absolute path')
  }
  return path
}
