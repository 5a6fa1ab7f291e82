/**
 * DNS over TCP (RFC 7766): length-framed messages, several per connection,
 * answered as they complete (section 7 allows out-of-order responses).
 * Connections are capped, idle ones closed, oversized frames end the
 * connection, and a client with too many queries in flight is not read
 * until some are answered.
 */
import { createServer } from 'node:net'
import type { Server, Socket } from 'node:net'
import type { Logger } from 'pino'
import type { DnsCounters } from './counters.ts'
import { DnsFrameTooLargeError } from './errors.ts'
import type { QueryHandler } from './query-handler.ts'
import { FrameReader, frame } from './tcp-framing.ts'

export interface TcpListenerInit {
  handler: QueryHandler
  counters: DnsCounters
  log: Logger
  maxConnections: number
  idleTimeout: number
  maxPipeline: number
  maxQueryBytes: number
}

export class TcpListener {
  readonly server: Server
  readonly #init: TcpListenerInit
  readonly #sockets = new Set<Socket>()

  constructor (init: TcpListenerInit) {
    this.#init = init
    this.server = createServer({ noDelay: true }, socket => { this.#accept(socket) })
    this.server.maxConnections = init.maxConnections
    this.server.on('drop', () => { init.counters.tcpRejected++ })
    this.server.on('error', error => { init.log.error({ err: error }, 'TCP listener failed') })
  }

  get connections (): number {
    return this.#sockets.size
  }

  /** Stop accepting and close every open connection. */
  async close (): Promise<void> {
    const closed = new Promise<void>(resolve => { this.server.close(() => { resolve() }) })
    for (const socket of this.#sockets) socket.destroy()
    await closed
  }

  #accept (socket: Socket): void {
    const { counters, handler, log } = this.#init
    const address = socket.remoteAddress ?? ''
    const reader = new FrameReader(this.#init.maxQueryBytes)
    let pending = 0

    counters.tcpConnections++
    this.#sockets.add(socket)
    socket.setTimeout(this.#init.idleTimeout)
    socket.on('timeout', () => {
      counters.tcpIdleTimeouts++
      socket.destroy()
    })
    socket.on('error', error => { log.trace('TCP client %s: %s', address, error.message) })
    socket.on('close', () => { this.#sockets.delete(socket) })

    const send = (reply: Buffer | undefined): void => {
      if (reply !== undefined && !socket.destroyed) socket.write(frame(reply))
    }
    const settle = (): void => {
      pending--
      if (pending < this.#init.maxPipeline && socket.isPaused()) socket.resume()
    }

    socket.on('data', chunk => {
      let messages: Buffer[]
      try {
        messages = reader.push(chunk)
      } catch (error) {
        if (error instanceof DnsFrameTooLargeError) counters.tcpOversized++
        socket.destroy()
        return
      }

      for (const message of messages) {
        const reply = handler.handle(message, { address, transport: 'tcp' })
        if (!(reply instanceof Promise)) {
          send(reply)
          continue
        }
        pending++
        reply.then(send, () => {}).finally(settle)
      }
      if (pending >= this.#init.maxPipeline) socket.pause()
    })
  }
}
