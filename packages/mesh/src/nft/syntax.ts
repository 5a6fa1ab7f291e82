/**
 * Small pieces of nft syntax, each checking its input: the rule set is
 * validated upstream, but the renderer is the last line before text that
 * the kernel executes, so it refuses anything that could break out of a
 * quoted string or a statement.
 */
import { InvalidArgumentError } from '../errors.ts'
import { tryCanonicalCidr } from '../net/cidr.ts'

const SAFE_TEXT = /^[\w .,:@()/+-]{0,100}$/
const SAFE_NAME = /^[A-Za-z0-9_.-]{1,15}$/

/** A double-quoted nft string of restricted characters. */
export function quoted (text: string, field = 'comment'): string {
  if (!SAFE_TEXT.test(text)) {
    throw new InvalidArgumentError(field, 'text contains characters that cannot be quoted for nft')
  }
  return `"${text}"`
}

/** A quoted interface name. */
export function ifname (name: string): string {
  if (!SAFE_NAME.test(name) || name === '.' || name === '..') {
    throw new InvalidArgumentError('interface', `not a valid interface name: ${String(name).slice(0, 32)}`)
  }
  return `"${name}"`
}

/** A prefix, checked and canonical. */
export function prefix (cidr: string): string {
  const canonical = tryCanonicalCidr(cidr)
  if (canonical == null) {
    throw new InvalidArgumentError('prefix', `not a CIDR prefix: ${String(cidr).slice(0, 64)}`)
  }
  return canonical
}

/** A bare address (a host prefix without its length). */
export function address (ip: string): string {
  const canonical = prefix(ip)
  return canonical.slice(0, canonical.indexOf('/'))
}

/** An anonymous set, or the single element when there is one. */
export function anonymousSet (elements: ReadonlyArray<string | number>): string {
  return elements.length === 1 ? String(elements[0]) : `{ ${elements.join(', ')} }`
}

/** A port or `from-to` range; anything else is refused. */
export function port (value: number | string): string {
  const text = String(value)
  const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text)
  const from = Number(match?.[1])
  const to = Number(match?.[2] ?? match?.[1])
  if (match == null || from < 1 || to > 65535 || from > to) {
    throw new InvalidArgumentError('ports', `not a port or range: ${text.slice(0, 16)}`)
  }
  return text
}

/** Named-set identifier from a scope (scopes are `[a-z][a-z0-9-]*`). */
export function setName (...parts: string[]): string {
  const name = parts.join('_').replace(/-/g, '_')
  if (!/^[a-z][a-z0-9_]{0,63}$/.test(name)) {
    throw new InvalidArgumentError('scope', `cannot name an nft set after ${name.slice(0, 32)}`)
  }
  return name
}
