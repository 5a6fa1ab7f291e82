/**
 * A small deterministic field codec: every field is written in a fixed
 * order, byte strings are prefixed by their unsigned-varint length and
 * integers are unsigned varints. The same value always encodes to the same
 * bytes, which is what signatures and content ids need.
 *
 * Hand-written rather than protobuf via protons: the code protons generates
 * declares TypeScript `enum`s, which Node's type stripping cannot run, and
 * protobuf decoders also accept non-canonical input (repeated or reordered
 * fields), which would give one record several encodings.
 */
import { encodingLength, encodeUint8Array, decodeUint8Array } from 'uint8-varint'
import { RecordMalformedError } from '../errors.ts'

const textEncoder = new TextEncoder()
const textDecoder = new TextDecoder('utf-8', { fatal: true })

/** Appends fields to a growing list of chunks; `finish()` concatenates. */
export class FieldWriter {
  private readonly chunks: Uint8Array[] = []
  private length = 0

  /** An unsigned integer (a safe integer, at most 2^53 - 1). */
  uint (value: number): this {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`Not an unsigned safe integer: ${value}`)
    }
    const out = new Uint8Array(encodingLength(value))
    encodeUint8Array(value, out)
    return this.push(out)
  }

  /** A length-prefixed byte string. */
  bytes (value: Uint8Array): this {
    this.uint(value.byteLength)
    return this.push(value)
  }

  /** A length-prefixed UTF-8 string. */
  string (value: string): this {
    return this.bytes(textEncoder.encode(value))
  }

  /** A count followed by that many strings. */
  strings (values: readonly string[]): this {
    this.uint(values.length)
    for (const value of values) {
      this.string(value)
    }
    return this
  }

  finish (): Uint8Array {
    const out = new Uint8Array(this.length)
    let offset = 0
    for (const chunk of this.chunks) {
      out.set(chunk, offset)
      offset += chunk.byteLength
    }
    return out
  }

  private push (chunk: Uint8Array): this {
    this.chunks.push(chunk)
    this.length += chunk.byteLength
    return this
  }
}

/**
 * Reads fields back in the order they were written. Every read checks
 * bounds and canonical form, and `end()` refuses trailing bytes, so one
 * value has exactly one accepted encoding.
 */
export class FieldReader {
  private readonly buf: Uint8Array
  private offset = 0

  constructor (buf: Uint8Array) {
    this.buf = buf
  }

  uint (): number {
    if (this.offset >= this.buf.byteLength) {
      throw new RecordMalformedError('Truncated varint')
    }
    let value: number
    try {
      value = decodeUint8Array(this.buf, this.offset)
    } catch (err) {
      throw new RecordMalformedError('Invalid varint', { cause: err })
    }
    if (!Number.isSafeInteger(value)) {
      throw new RecordMalformedError('Varint out of range')
    }

    // The decoder reads past the end as zero bits and accepts padded
    // encodings (0x80 0x00 for 0); check the bytes it must have consumed.
    const size = encodingLength(value)
    const end = this.offset + size
    if (end > this.buf.byteLength) {
      throw new RecordMalformedError('Truncated varint')
    }
    for (let i = this.offset; i < end - 1; i++) {
      if ((this.buf[i] & 0x80) === 0) {
        throw new RecordMalformedError('Non-canonical varint')
      }
    }
    if ((this.buf[end - 1] & 0x80) !== 0) {
      throw new RecordMalformedError('Non-canonical varint')
    }
    this.offset = end
    return value
  }

  bytes (maxLength = this.buf.byteLength): Uint8Array {
    const length = this.uint()
    if (length > maxLength || this.offset + length > this.buf.byteLength) {
      throw new RecordMalformedError('Field length out of range')
    }
    const value = this.buf.subarray(this.offset, this.offset + length)
    this.offset += length
    return value
  }

  string (maxLength?: number): string {
    try {
      return textDecoder.decode(this.bytes(maxLength))
    } catch (err) {
      if (err instanceof RecordMalformedError) {
        throw err
      }
      throw new RecordMalformedError('Invalid UTF-8', { cause: err })
    }
  }

  strings (maxCount: number, maxLength?: number): string[] {
    const count = this.uint()
    if (count > maxCount) {
      throw new RecordMalformedError('Too many list entries')
    }
    const values: string[] = []
    for (let i = 0; i < count; i++) {
      values.push(this.string(maxLength))
    }
    return values
  }

  /** Refuse trailing bytes: a canonical encoding has none. */
  end (): void {
    if (this.offset !== this.buf.byteLength) {
      throw new RecordMalformedError('Trailing bytes after the last field')
    }
  }
}
