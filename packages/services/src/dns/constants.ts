/**
 * Defaults of the DNS library. Every cap, timeout and rate lives here so
 * that docs/dns.md can list them in one place.
 */

const SECOND = 1000

/** The zone the server is authoritative for, without trailing dot. */
export const DEFAULT_ZONE = 'cell'

/** Label of the generated name server host at the zone apex (`ns.cell`). */
export const NAMESERVER_LABEL = 'ns'

/** Mailbox label of the generated SOA RNAME (`hostmaster.cell`). */
export const HOSTMASTER_LABEL = 'hostmaster'

/** How many trailing characters of a cell id make its short id. */
export const SHORT_ID_LENGTH = 8

/** TTL of the A/AAAA answers generated for cells, in seconds. */
export const CELL_TTL = 60

/** TTL of the generated SOA and NS records, in seconds. */
export const APEX_TTL = 3600

/** SOA MINIMUM: how long resolvers may cache a negative answer (RFC 2308 section 5). */
export const NEGATIVE_TTL = 60

/** Bounds of the TTL a user record may carry, in seconds. */
export const MIN_RECORD_TTL = 60
export const MAX_RECORD_TTL = 604_800
export const DEFAULT_RECORD_TTL = 300

/** How many user records a store may hold. */
export const MAX_RECORDS = 10_000

/** How many CNAME links an in-zone answer follows before it stops. */
export const MAX_CNAME_CHAIN = 8

/** UDP payload without EDNS0 (RFC 1035 section 4.2.1). */
export const CLASSIC_UDP_PAYLOAD = 512

/**
 * Largest UDP payload we send, whatever the client advertises: the DNS Flag
 * Day 2020 value, which avoids IP fragmentation on common paths.
 */
export const MAX_UDP_PAYLOAD = 1232

/** Largest query we accept on either transport; bigger ones are dropped. */
export const MAX_QUERY_BYTES = 4096

/** Concurrent TCP connections; further ones are refused by the kernel accept path. */
export const MAX_TCP_CONNECTIONS = 128

/** Idle time after which a TCP connection is closed (RFC 7766 section 6.2.3). */
export const TCP_IDLE_TIMEOUT = 10 * SECOND

/** Queries one TCP connection may have in flight before we stop reading it. */
export const MAX_TCP_PIPELINE = 16

/** Token bucket per source address: sustained queries per second and burst. */
export const RATE_LIMIT_PER_SECOND = 100
export const RATE_LIMIT_BURST = 200

/** How many source addresses the rate limiter remembers (least recently seen evicted). */
export const RATE_LIMIT_MAX_SOURCES = 10_000

/** Sources the rate limiter never throttles: the cell's own machine. */
export const RATE_LIMIT_EXEMPT = ['127.0.0.0/8', '::1/128']

/** Time one upstream gets to answer before the next one is tried. */
export const FORWARD_TIMEOUT = 2 * SECOND

/** Forwarded queries in flight at once; beyond this we answer SERVFAIL. */
export const MAX_FORWARDS_IN_FLIGHT = 256

/** How often start() retries when the UDP port number is taken for TCP. */
export const BIND_ATTEMPTS = 5

/** Encoded answers kept for replay; the cache empties when full or when the zone changes. */
export const ANSWER_CACHE_ENTRIES = 4096

/** Source addresses whose policy decisions (forwarding, rate-limit exemption) are memoised. */
export const ADDRESS_MEMO_ENTRIES = 1024
