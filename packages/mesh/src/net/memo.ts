/**
 * Memoisation for the pure text parsers of this directory. Every
 * desired-state computation parses the same peers' addresses and prefixes
 * as the one before, and the parsers (the WHATWG URL serializer for IPv6,
 * the netmask library's generic parser) were most of what computing a
 * desired state cost. Bounded: the cache is cleared whole when full, which
 * only costs parsing again.
 */
export const MEMO_MAX_ENTRIES = 16_384
/** Longer texts are no address or prefix; they are parsed (and refused) without being kept. */
const MEMO_MAX_KEY_LENGTH = 64

export function memoize<T> (parse: (text: string) => T, maxEntries = MEMO_MAX_ENTRIES): (text: string) => T {
  const answers = new Map<string, T>()
  return (text: string): T => {
    if (typeof text !== 'string' || text.length > MEMO_MAX_KEY_LENGTH) return parse(text)
    if (answers.has(text)) return answers.get(text) as T
    const answer = parse(text)
    if (answers.size >= maxEntries) answers.clear()
    answers.set(text, answer)
    return answer
  }
}
