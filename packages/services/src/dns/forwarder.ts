/**
 * Forwarding of out-of-zone questions to the configured upstream resolvers.
 *
 * Each question goes out as a fresh query with a random id from a fresh
 * socket (a random source port), so an off-path attacker has to guess both
 * (RFC 5452 section 9). Upstreams are tried in order, each with a bounded
 * timeout; a truncated UDP answer is retried over TCP (RFC 7766 section 5).
 */
import { randomInt } from 'node:crypto'
import { createSocket } from 'node:dgram'
import { connect, isIP, isIPv6 } from 'node:net'
import packet from 'dns-packet'
import type { DecodedPacket, Question } from 'dns-packet'
import type { Logger } from 'pino'
import { MAX_UDP_PAYLOAD } from './constants.ts'
import { DnsUpstreamError, DnsValidationError } from './errors.ts'
import { FrameReader, frame } from './tcp-framing.ts'
import { isResponse } from './wire.ts'

export interface Upstream {
  host: string
  port: number
}

/** Parse `host`, `host:port` or `[v6]:port` (port defaults to 53). */
export function parseUpstream (text: string): Upstream {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text)
  const plain = /^([^:]+)(?::(\d+))?$/.exec(text)
  const host = bracketed?.[1] ?? plain?.[1] ?? (isIPv6(text) ? text : undefined)
  const port = Number(bracketed?.[2] ?? plain?.[2] ?? 53)
  if (host === undefined || !Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new DnsValidationError([{ field: 'upstreams', message: `"${text}" is not host:port` }])
  }
  return { host, port }
}

export interface ForwarderInit {
  upstreams: Upstream[]
  timeout: number
  log: Logger
}

export interface ForwardOptions {
  signal?: AbortSignal
}

function matches (response: DecodedPacket, id: number, question: Question): boolean {
  const echoed = response.questions?.[0]
  return response.id === id && isResponse(response) && echoed !== undefined &&
    echoed.name.toLowerCase() === question.name.toLowerCase() && echoed.type === question.type
}

function query (id: number, question: Question): Buffer {
  return packet.encode({
    type: 'query',
    id,
    flags: packet.RECURSION_DESIRED,
    questions: [{ name: question.name, type: question.type, class: 'IN' }],
    additionals: [{ name: '.', type: 'OPT', udpPayloadSize: MAX_UDP_PAYLOAD, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }]
  })
}

/** Run `attempt` with a deadline; `cleanup` always runs. */
function withDeadline<T> (timeout: number, signal: AbortSignal | undefined, attempt: (done: (error: Error | null, value?: T) => void) => () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let cleanup = (): void => {}
    let settled = false
    const finish = (error: Error | null, value?: T): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      cleanup()
      if (error !== null) reject(error)
      else resolve(value as T)
    }
    const onAbort = (): void => { finish(new DnsUpstreamError('forwarding aborted', { cause: signal?.reason })) }
    const timer = setTimeout(() => { finish(new DnsUpstreamError(`no answer within ${timeout} ms`)) }, timeout)
    signal?.addEventListener('abort', onAbort, { once: true })
    cleanup = attempt(finish)
  })
}

export class Forwarder {
  readonly #upstreams: Upstream[]
  readonly #timeout: number
  readonly #log: Logger

  constructor (init: ForwarderInit) {
    this.#upstreams = init.upstreams
    this.#timeout = init.timeout
    this.#log = init.log
  }

  get enabled (): boolean {
    return this.#upstreams.length > 0
  }

  /** Resolve `question` upstream; throws DnsUpstreamError when every upstream fails. */
  async forward (question: Question, options: ForwardOptions = {}): Promise<DecodedPacket> {
    let last: unknown
    for (const upstream of this.#upstreams) {
      options.signal?.throwIfAborted()
      try {
        const id = randomInt(65_536)
        const response = await this.#udp(upstream, id, question, options.signal)
        if (!response.flag_tc) {
          return response
        }
        return await this.#tcp(upstream, randomInt(65_536), question, options.signal)
      } catch (error) {
        last = error
        this.#log.debug('upstream %s:%d failed: %s', upstream.host, upstream.port, (error as Error).message)
      }
    }
    throw new DnsUpstreamError('every upstream failed', { cause: last })
  }

  #udp (upstream: Upstream, id: number, question: Question, signal?: AbortSignal): Promise<DecodedPacket> {
    return withDeadline<DecodedPacket>(this.#timeout, signal, done => {
      const socket = createSocket(isIPv6(upstream.host) ? 'udp6' : 'udp4')
      socket.on('error', error => { done(new DnsUpstreamError(error.message, { cause: error })) })
      socket.on('message', (message, remote) => {
        // Anything not from the upstream, or not our answer, is ignored:
        // only the right source, id and question end the wait.
        if (remote.port !== upstream.port || (isIP(upstream.host) !== 0 && remote.address !== upstream.host)) return
        try {
          const response = packet.decode(message)
          if (matches(response, id, question)) done(null, response)
        } catch {}
      })
      socket.send(query(id, question), upstream.port, upstream.host)
      return () => { socket.close() }
    })
  }

  #tcp (upstream: Upstream, id: number, question: Question, signal?: AbortSignal): Promise<DecodedPacket> {
    return withDeadline<DecodedPacket>(this.#timeout, signal, done => {
      const reader = new FrameReader(65_535)
      const socket = connect({ host: upstream.host, port: upstream.port })
      socket.on('error', error => { done(new DnsUpstreamError(error.message, { cause: error })) })
      socket.on('connect', () => { socket.write(frame(query(id, question))) })
      socket.on('data', chunk => {
        try {
          for (const message of reader.push(chunk)) {
            const response = packet.decode(message)
            if (matches(response, id, question)) done(null, response)
          }
        } catch (error) {
          done(new DnsUpstreamError('unreadable upstream answer', { cause: error }))
        }
      })
      socket.on('close', () => { done(new DnsUpstreamError('upstream closed the connection')) })
      return () => { socket.destroy() }
    })
  }
}
