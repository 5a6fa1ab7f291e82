/**
 * One DNS message in, at most one DNS message out. Transport-independent:
 * the UDP and TCP listeners hand every message here with its source.
 *
 * Order of checks, cheapest first: size cap, rate limit, decode (FORMERR
 * when only the header is readable, silence when not even that), QR bit,
 * opcode, question count, EDNS, then the zone or the forwarder.
 */
import packet from 'dns-packet'
import type { Answer, DecodedPacket, OptAnswer, Question } from 'dns-packet'
import type { Logger } from 'pino'
import { AnswerCache } from './answer-cache.ts'
import { lookup, inZone, minimalAny } from './authority.ts'
import type { AuthorityAnswer } from './authority.ts'
import { ANSWER_CACHE_ENTRIES, CLASSIC_UDP_PAYLOAD, MAX_UDP_PAYLOAD } from './constants.ts'
import type { DnsCounters } from './counters.ts'
import type { Forwarder } from './forwarder.ts'
import type { RateLimiter } from './rate-limiter.ts'
import type { AddressSet } from './source-policy.ts'
import { RCODE, encodeResponse, isResponse, opcodeOf, peekHeader } from './wire.ts'
import type { RcodeName, ResponseParts } from './wire.ts'
import type { Zone, ZoneSnapshot } from './zone.ts'

const TCP_LIMIT = 65_535
const HEADER_BYTES = 12
const OPCODE_QUERY = 0

export interface QuerySource {
  address: string
  transport: 'udp' | 'tcp'
}

export interface QueryHandlerInit {
  zone: Zone
  forwarder: Forwarder
  forwardSources: AddressSet
  limiter: RateLimiter | undefined
  rateLimitExempt: AddressSet
  maxQueryBytes: number
  maxForwardsInFlight: number
  counters: DnsCounters
  log: Logger
  signal: AbortSignal
}

type Reply = Buffer | undefined

interface AnswerContext {
  zone: ZoneSnapshot
  mayForward: boolean
  cacheKey: string | undefined
}

const RCODE_COUNTER: Record<RcodeName, keyof DnsCounters> = {
  NOERROR: 'noerror',
  FORMERR: 'formerr',
  SERVFAIL: 'servfail',
  NXDOMAIN: 'nxdomain',
  NOTIMP: 'notimp',
  REFUSED: 'refused',
  BADVERS: 'badvers'
}

/** Whether dns-packet will re-encode this name as it was received. */
function encodableName (name: string): boolean {
  if (name === '.') return true
  if (Buffer.byteLength(name) > 253) return false
  return name.split('.').every(label => label.length > 0 && Buffer.byteLength(label) <= 63)
}

export class QueryHandler {
  readonly #init: QueryHandlerInit
  readonly #counters: DnsCounters
  readonly #cache = new AnswerCache(ANSWER_CACHE_ENTRIES)
  #forwardsInFlight = 0

  constructor (init: QueryHandlerInit) {
    this.#init = init
    this.#counters = init.counters
  }

  get forwardsInFlight (): number {
    return this.#forwardsInFlight
  }

  /** Answer one message; never throws (a failure is counted and dropped). */
  handle (message: Buffer, source: QuerySource): Reply | Promise<Reply> {
    try {
      return this.#handle(message, source)
    } catch (error) {
      this.#counters.internalErrors++
      this.#init.log.error({ err: error }, 'failed to handle a message')
      return undefined
    }
  }

  #handle (message: Buffer, source: QuerySource): Reply | Promise<Reply> {
    const counters = this.#counters
    if (source.transport === 'udp') counters.udpQueries++
    else counters.tcpQueries++

    if (message.length > this.#init.maxQueryBytes) {
      counters.dropped++
      return undefined
    }

    const limiter = this.#init.limiter
    if (limiter !== undefined && !this.#init.rateLimitExempt.has(source.address) && !limiter.take(source.address)) {
      counters.rateLimited++
      // Over UDP silence is the only safe answer to a possibly spoofed
      // source; over TCP the source is real and learns why.
      return source.transport === 'tcp' ? this.#refuseHeader(message) : undefined
    }

    // The answer depends on the query bytes, the zone, the transport (size
    // limit) and whether this source may recurse (the RA bit).
    const zone = this.#init.zone.snapshot
    const mayForward = this.#init.forwarder.enabled && this.#init.forwardSources.has(source.address)
    let cacheKey: string | undefined
    if (message.length >= HEADER_BYTES) {
      cacheKey = AnswerCache.key(message, `${source.transport}${mayForward ? 1 : 0}`)
      const cached = this.#cache.get(cacheKey, zone.serial)
      if (cached !== undefined) {
        counters.answerCacheHits++
        if (cached.truncated) counters.truncated++
        counters[RCODE_COUNTER[cached.rcode]]++
        return AnswerCache.replay(cached, message)
      }
    }

    let query: DecodedPacket
    try {
      query = packet.decode(message)
    } catch {
      return this.#formerrHeader(message)
    }

    try {
      return this.#answer(query, source, { zone, mayForward, cacheKey })
    } catch (error) {
      counters.internalErrors++
      this.#init.log.error({ err: error }, 'failed to answer a query')
      return this.#reply({ id: query.id ?? 0, opcode: opcodeOf(query), rcode: 'SERVFAIL', questions: [] }, TCP_LIMIT)
    }
  }

  #reply (parts: ResponseParts, limit: number, cache?: { key: string, serial: number }): Buffer {
    const { message, truncated } = encodeResponse(parts, limit)
    if (truncated) this.#counters.truncated++
    this.#counters[RCODE_COUNTER[parts.rcode]]++
    if (cache !== undefined) {
      this.#cache.set(cache.key, cache.serial, { message, rcode: parts.rcode, truncated })
    }
    return message
  }

  #formerrHeader (message: Buffer): Reply {
    const header = peekHeader(message)
    if (header === undefined || isResponse(header)) {
      this.#counters.dropped++
      return undefined
    }
    return this.#reply({ id: header.id ?? 0, opcode: opcodeOf(header), rcode: 'FORMERR', questions: [] }, CLASSIC_UDP_PAYLOAD)
  }

  #refuseHeader (message: Buffer): Reply {
    const header = peekHeader(message)
    if (header === undefined || isResponse(header)) return undefined
    return this.#reply({ id: header.id ?? 0, opcode: opcodeOf(header), rcode: 'REFUSED', questions: [] }, CLASSIC_UDP_PAYLOAD)
  }

  #answer (query: DecodedPacket, source: QuerySource, context: AnswerContext): Reply | Promise<Reply> {
    if (isResponse(query)) {
      this.#counters.responsesIgnored++
      return undefined
    }

    const questions = query.questions ?? []
    const base = {
      id: query.id ?? 0,
      opcode: opcodeOf(query),
      recursionDesired: query.flag_rd,
      questions: questions.length === 1 && encodableName(questions[0].name) ? questions : []
    }
    if (base.opcode !== OPCODE_QUERY) {
      return this.#reply({ ...base, rcode: 'NOTIMP' }, CLASSIC_UDP_PAYLOAD)
    }
    // RFC 9619: a query carries exactly one question.
    if (base.questions.length !== 1) {
      return this.#reply({ ...base, rcode: 'FORMERR' }, CLASSIC_UDP_PAYLOAD)
    }

    // RFC 6891 section 6.1.1: more than one OPT is a format error; an
    // unknown EDNS version gets BADVERS.
    const opts = (query.additionals ?? []).filter((record): record is OptAnswer => record.type === 'OPT')
    if (opts.length > 1) {
      return this.#reply({ ...base, rcode: 'FORMERR' }, CLASSIC_UDP_PAYLOAD)
    }
    const opt = opts[0]
    const edns = opt === undefined ? undefined : { udpPayloadSize: MAX_UDP_PAYLOAD }
    if (opt !== undefined && opt.ednsVersion !== 0) {
      return this.#reply({ ...base, edns, rcode: 'BADVERS' }, CLASSIC_UDP_PAYLOAD)
    }
    const limit = source.transport === 'tcp'
      ? TCP_LIMIT
      : Math.min(MAX_UDP_PAYLOAD, Math.max(CLASSIC_UDP_PAYLOAD, opt?.udpPayloadSize ?? CLASSIC_UDP_PAYLOAD))

    const question = base.questions[0]
    // dns-packet's RecordType leaves out the query-only types (ANY, AXFR).
    const type: string = question.type
    const name = question.name.toLowerCase()
    const { zone, mayForward } = context
    const parts = { ...base, edns, recursionAvailable: mayForward }

    if (question.class !== 'IN' && question.class !== undefined) {
      return this.#reply({ ...parts, rcode: 'REFUSED' }, limit)
    }

    if (inZone(name, zone.origin)) {
      let result: AuthorityAnswer
      if (type === 'ANY') {
        this.#counters.anyMinimal++
        result = minimalAny(zone, name)
      } else if (type === 'AXFR' || type === 'IXFR') {
        // Zone transfers are not offered (RFC 5936 section 4.2: REFUSED).
        return this.#reply({ ...parts, rcode: 'REFUSED' }, limit)
      } else {
        result = lookup(zone, name, type)
        const cache = context.cacheKey === undefined ? undefined : { key: context.cacheKey, serial: zone.serial }
        return this.#reply({ ...parts, ...result, authoritative: true }, limit, cache)
      }
      return this.#reply({ ...parts, ...result, authoritative: true }, limit)
    }

    // Without RD the client asks for cached data only, and we keep none.
    if (!mayForward || query.flag_rd !== true) {
      this.#counters.forwardRefused++
      return this.#reply({ ...parts, rcode: 'REFUSED' }, limit)
    }
    return this.#forward(question, parts, limit)
  }

  async #forward (question: Question, parts: Omit<ResponseParts, 'rcode'>, limit: number): Promise<Reply> {
    if (this.#forwardsInFlight >= this.#init.maxForwardsInFlight) {
      this.#counters.forwardOverload++
      return this.#reply({ ...parts, rcode: 'SERVFAIL' }, limit)
    }

    this.#counters.forwarded++
    this.#forwardsInFlight++
    try {
      const response = await this.#init.forwarder.forward(question, { signal: this.#init.signal })
      const upstreamRcode = (response as DecodedPacket & { rcode?: string }).rcode ?? 'SERVFAIL'
      const rcode: RcodeName = upstreamRcode in RCODE ? upstreamRcode as RcodeName : 'SERVFAIL'
      const additionals = (response.additionals ?? []).filter(record => record.type !== 'OPT') as Answer[]
      return this.#reply({ ...parts, rcode, answers: response.answers, authorities: response.authorities, additionals }, limit)
    } catch (error) {
      this.#counters.forwardFailures++
      this.#init.log.debug('forwarding %s %s failed: %s', question.name, question.type, (error as Error).message)
      if (this.#init.signal.aborted) return undefined
      return this.#reply({ ...parts, rcode: 'SERVFAIL' }, limit)
    } finally {
      this.#forwardsInFlight--
    }
  }
}
