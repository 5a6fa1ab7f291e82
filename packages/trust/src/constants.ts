/**
 * Defaults and protocol constants of the trust core, in one place.
 */
export const SECOND = 1000
export const MINUTE = 60 * SECOND
export const HOUR = 60 * MINUTE
export const DAY = 24 * HOUR
export const KIB = 1024

/** Largest sealed record `openRecord` accepts before decoding anything. */
export const MAX_RECORD_BYTES = 4 * KIB

/** How far in the future `issuedAt` / `notBefore` may lie (clock skew). */
export const DEFAULT_CLOCK_SKEW = 5 * MINUTE

/** Records from strangers kept in quarantine before the oldest is evicted. */
export const DEFAULT_QUARANTINE_CAPACITY = 1000

/**
 * Records one issuer inside the horizon may keep in the store (latest per
 * subject). A trusted cell that signs junk still cannot fill the disk.
 */
export const DEFAULT_MAX_RECORDS_PER_ISSUER = 10_000

/** Deepest chain the metric follows, and the largest `maxDepth` allowed. */
export const MAX_TRUST_DEPTH = 4

/**
 * Advogato node capacity per distance from this cell (index = distance).
 * Distance 0 is this cell itself and is never the bottleneck. Each trusted
 * node keeps one unit for itself and passes `capacity - 1` onward, so a node
 * at distance 4 vouches for nobody. See docs/trust-model.md ("The bound").
 */
export const CAPACITY_BY_DISTANCE: readonly number[] = [Number.POSITIVE_INFINITY, 64, 16, 4, 1]

/** Distance steps one attestation adds: a marginal one counts twice. */
export const FULL_EDGE_LENGTH = 1
export const MARGINAL_EDGE_LENGTH = 2

/** Scopes an attestation may carry; '*' means every scope. */
export const SCOPES = ['mesh', 'route', 'dns', 'mail', 'calendar', 'files', '*'] as const

/** Scopes a view can be computed for (every scope but the wildcard). */
export const VIEW_SCOPES = ['mesh', 'route', 'dns', 'mail', 'calendar', 'files'] as const

/** Trust levels; 'none' revokes an earlier attestation. */
export const LEVELS = ['full', 'marginal', 'none'] as const

/** Field bounds of records; the sealed record must also fit MAX_RECORD_BYTES. */
export const MAX_MULTIADDRS = 16
export const MAX_WG_ENDPOINTS = 8
export const MAX_SERVICES = 32
export const MAX_PREFIXES = 16
export const MAX_STRING_LENGTH = 256

/** Paths the explanation of one cell lists at most. */
export const MAX_EXPLAIN_PATHS = 8

/** Prefix of invite tokens ("personal internet cell invite, v1"). */
export const INVITE_PREFIX = 'pic1'

/** Invite tokens longer than this are refused before decoding. */
export const MAX_INVITE_TOKEN_LENGTH = 2 * KIB

/** Bytes of the invite secret. */
export const INVITE_SECRET_BYTES = 32
