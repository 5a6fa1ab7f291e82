/**
 * Counters an operator reads through DnsServer.status(). Plain numbers,
 * incremented on the hot path, never reset while the server lives.
 */

export interface DnsCounters {
  /** Messages received, per transport. */
  udpQueries: number
  tcpQueries: number
  /** Responses sent, per response code. */
  noerror: number
  nxdomain: number
  refused: number
  formerr: number
  servfail: number
  notimp: number
  badvers: number
  /** Messages too short to carry a header, or too long to accept: no answer. */
  dropped: number
  /** Messages with the QR bit set (never answered, to avoid reflection loops). */
  responsesIgnored: number
  /** UDP responses sent with TC set because they did not fit. */
  truncated: number
  /** Answers replayed from the encoded-answer cache. */
  answerCacheHits: number
  /** ANY questions answered with the RFC 8482 minimal response. */
  anyMinimal: number
  /** Queries refused or dropped by the per-source rate limit. */
  rateLimited: number
  /** Questions sent upstream, and how many of those failed. */
  forwarded: number
  forwardFailures: number
  /** Out-of-zone questions refused: no upstream, or source not allowed. */
  forwardRefused: number
  /** Forwards refused because MAX_FORWARDS_IN_FLIGHT were pending. */
  forwardOverload: number
  tcpConnections: number
  /** Connections closed because the server was at its connection cap. */
  tcpRejected: number
  tcpIdleTimeouts: number
  /** Connections closed for announcing an oversized message. */
  tcpOversized: number
  /** Unexpected exceptions while answering (answered SERVFAIL). */
  internalErrors: number
}

export function createCounters (): DnsCounters {
  return {
    udpQueries: 0,
    tcpQueries: 0,
    noerror: 0,
    nxdomain: 0,
    refused: 0,
    formerr: 0,
    servfail: 0,
    notimp: 0,
    badvers: 0,
    dropped: 0,
    responsesIgnored: 0,
    truncated: 0,
    answerCacheHits: 0,
    anyMinimal: 0,
    rateLimited: 0,
    forwarded: 0,
    forwardFailures: 0,
    forwardRefused: 0,
    forwardOverload: 0,
    tcpConnections: 0,
    tcpRejected: 0,
    tcpIdleTimeouts: 0,
    tcpOversized: 0,
    internalErrors: 0
  }
}
