/**
 * Reassembly of DNS-over-TCP messages, each prefixed by a two-byte length
 * (RFC 1035 section 4.2.2, RFC 7766 section 8). dns-packet's streamDecode
 * only reads one frame that is already whole, so splitting a byte stream
 * into frames is done here; the messages themselves go to dns-packet.
 */
import { DnsFrameTooLargeError } from './errors.ts'

export class FrameReader {
  readonly #maxFrame: number
  #buffered: Buffer[] = []
  #bufferedBytes = 0

  constructor (maxFrame: number) {
    this.#maxFrame = maxFrame
  }

  /** Feed bytes; returns the messages completed by them. Throws DnsFrameTooLargeError. */
  push (chunk: Buffer): Buffer[] {
    this.#buffered.push(chunk)
    this.#bufferedBytes += chunk.length
    let data = this.#buffered.length === 1 ? chunk : Buffer.concat(this.#buffered, this.#bufferedBytes)

    const frames: Buffer[] = []
    while (data.length >= 2) {
      const length = data.readUInt16BE(0)
      if (length > this.#maxFrame) {
        throw new DnsFrameTooLargeError(length, this.#maxFrame)
      }
      if (data.length < 2 + length) {
        break
      }
      frames.push(data.subarray(2, 2 + length))
      data = data.subarray(2 + length)
    }

    this.#buffered = data.length > 0 ? [data] : []
    this.#bufferedBytes = data.length
    return frames
  }
}

/** Prefix a message with its two-byte length. */
export function frame (message: Buffer): Buffer {
  const prefix = Buffer.allocUnsafe(2)
  prefix.writeUInt16BE(message.length, 0)
  return Buffer.concat([prefix, message])
}
