/**
 * Wire-format helpers around dns-packet: peeking at a header that the full
 * decoder rejected, composing response flags, and encoding a response under
 * a size cap with the TC bit (RFC 1035 section 4.1.1, RFC 2181 section 9).
 */
import packet from 'dns-packet'
import type { Answer, DecodedPacket, OptAnswer, Packet, Question } from 'dns-packet'

/** Response codes (RFC 1035 section 4.1.1, RFC 6891 section 9 for BADVERS). */
export const RCODE = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  BADVERS: 16
} as const

export type RcodeName = keyof typeof RCODE

const HEADER_BYTES = 12
const QR = 1 << 15
const OPCODE_SHIFT = 11

/** The header fields dns-packet decodes but its typings leave out. */
export type Header = DecodedPacket & { opcode: string, rcode: string }

/**
 * Decode only the header. dns-packet does not export its header decoder, so
 * we hand it a copy of the 12 header bytes with the four section counts
 * zeroed, which it decodes as an empty message.
 */
export function peekHeader (message: Buffer): Header | undefined {
  if (message.length < HEADER_BYTES) {
    return undefined
  }
  const header = Buffer.alloc(HEADER_BYTES)
  message.copy(header, 0, 0, 4)
  return packet.decode(header) as Header
}

/** The numeric opcode of a decoded header (its bits 11 to 14). */
export function opcodeOf (decoded: DecodedPacket): number {
  return ((decoded.flags ?? 0) >> OPCODE_SHIFT) & 0xf
}

export function isResponse (decoded: DecodedPacket): boolean {
  return ((decoded.flags ?? 0) & QR) !== 0 || decoded.type === 'response'
}

export interface ResponseParts {
  id: number
  opcode: number
  rcode: RcodeName
  questions: Question[]
  answers?: Answer[]
  authorities?: Answer[]
  /** Extra records (without OPT, which `edns` produces). */
  additionals?: Answer[]
  authoritative?: boolean
  recursionDesired?: boolean
  recursionAvailable?: boolean
  /** Present when the query carried EDNS0; we answer with our own OPT. */
  edns?: { udpPayloadSize: number }
}

function flagsOf (parts: ResponseParts): number {
  let flags = (parts.opcode << OPCODE_SHIFT) | (RCODE[parts.rcode] & 0xf)
  if (parts.authoritative === true) flags |= packet.AUTHORITATIVE_ANSWER
  if (parts.recursionDesired === true) flags |= packet.RECURSION_DESIRED
  if (parts.recursionAvailable === true) flags |= packet.RECURSION_AVAILABLE
  return flags
}

function optOf (parts: ResponseParts): OptAnswer[] {
  if (parts.edns === undefined) {
    return []
  }
  return [{
    name: '.',
    type: 'OPT',
    udpPayloadSize: parts.edns.udpPayloadSize,
    // The upper 8 bits of the 12-bit rcode live in the OPT record.
    extendedRcode: RCODE[parts.rcode] >> 4,
    ednsVersion: 0,
    flags: 0,
    flag_do: false,
    options: []
  }]
}

export interface Encoded {
  message: Buffer
  truncated: boolean
}

/**
 * Encode a response of at most `limit` bytes. When the full response does
 * not fit, send the question with TC set and no records: RFC 2181 section 9
 * asks resolvers to drop partial RRsets anyway, and the client retries over
 * TCP (RFC 7766 section 5).
 */
export function encodeResponse (parts: ResponseParts, limit: number): Encoded {
  const full: Packet = {
    type: 'response',
    id: parts.id,
    flags: flagsOf(parts),
    questions: parts.questions,
    answers: parts.answers ?? [],
    authorities: parts.authorities ?? [],
    additionals: [...(parts.additionals ?? []), ...optOf(parts)]
  }
  if (packet.encodingLength(full) <= limit) {
    return { message: packet.encode(full), truncated: false }
  }

  const truncated: Packet = {
    ...full,
    flags: (full.flags ?? 0) | packet.TRUNCATED_RESPONSE,
    answers: [],
    authorities: [],
    additionals: optOf(parts)
  }
  return { message: packet.encode(truncated), truncated: true }
}
