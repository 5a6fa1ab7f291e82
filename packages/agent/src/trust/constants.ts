/**
 * Wire names and bounds of the trust layer. Topic and protocol names carry a
 * version so that a future format can run beside this one.
 */
import { MAX_RECORD_BYTES } from '@cell/trust'

/** Gossip topic for signed peer records. */
export const PEER_RECORD_TOPIC = '/pic/peer-records/1'
/** Gossip topic for attestations and key notices. */
export const ATTESTATION_TOPIC = '/pic/attestations/1'
export const TRUST_TOPICS = [PEER_RECORD_TOPIC, ATTESTATION_TOPIC] as const

/** Anti-entropy sync between two cells (version vectors, then deltas). */
export const SYNC_PROTOCOL = '/pic/sync/1.0.0'
/** Invite redemption: challenge, HMAC proof, mutual attestations. */
export const INVITE_PROTOCOL = '/pic/invite/1.0.0'
/** DHT namespace of peer records: key `/pic-peer/<cell id>`. */
export const DHT_PEER_NAMESPACE = 'pic-peer'

/** Largest gossip message accepted before verification. */
export const MAX_GOSSIP_BYTES = MAX_RECORD_BYTES
/** Largest version-vector frame in a sync session (about 40k issuers). */
export const MAX_VECTOR_BYTES = 4 * 1024 * 1024
/** Records one side sends in one sync session; the rest waits a round. */
export const MAX_SYNC_RECORDS = 50_000
/** One whole sync session, either side. */
export const SYNC_TIMEOUT = 30_000
/**
 * Sync sessions in a row with one peer while this cell's horizon keeps
 * widening (each round can add one hop; attestations reach 4 hops at most).
 */
export const SYNC_MAX_ROUNDS = 5
/**
 * When the horizon gains issuers this cell holds nothing of: sync with up
 * to this many of those issuers that are connected, plus CATCH_UP_PEERS
 * other peers...
 */
export const CATCH_UP_MAX_ISSUERS = 8
export const CATCH_UP_PEERS = 2
/**
 * ...and, from this attempt on (about 1.5 s after the horizon changed)
 * while records are still missing, with up to CATCH_UP_MAX_DIALS cells
 * that vouch for a missing issuer (they keep its records) and have no
 * connection, dialed at the addresses of their signed peer records. Not
 * sooner: when one attestation widens a hundred horizons at once, the
 * neighbours usually have the records within the first attempts, and
 * dialing at once sent every one of those cells to the same attester.
 */
export const CATCH_UP_DIAL_FROM_ATTEMPT = 3
export const CATCH_UP_MAX_DIALS = 2
/** ...this many ms later (one sync for a burst of changes), doubling on each retry... */
export const CATCH_UP_DELAY = 100
/**
 * ...for at most this many attempts while records are still missing (the
 * last about 6 s after the first, 13 s in all): a record that gossip's
 * relay budget held back travels only by sync, a hop per attempt.
 */
export const CATCH_UP_ATTEMPTS = 7
/**
 * How often lost gossip streams are looked for and re-opened, ms: often,
 * since a peer without one hears nothing from this cell, and cheap (a
 * walk over the gossip peers).
 */
export const GOSSIP_STREAM_CHECK_INTERVAL = 5000
/** Directly trusted cells without a connection redialed per periodic sync round. */
export const REDIAL_PER_ROUND = 4
/**
 * A peer-record DHT put that no DHT server took is tried again this many
 * ms later, doubling up to DHT_PUT_RETRY_MAX (a backstop: the put is also
 * tried again whenever a DHT server connects)...
 */
export const DHT_PUT_RETRY_MIN = 1000
export const DHT_PUT_RETRY_MAX = 60_000
/**
 * ...this long after identify shows the server's DHT protocol, since the
 * DHT adds the server to its routing table asynchronously after that.
 */
export const DHT_PUT_SERVER_SETTLE = 250
/** Periodic sync with one random connected peer. */
export const SYNC_INTERVAL = 30_000
/** Invite redemption, dial included. */
export const INVITE_TIMEOUT = 15_000

/** Peer records are re-issued this often, and valid for twice as long. */
export const PEER_RECORD_REFRESH = 12 * 60 * 60 * 1000
export const PEER_RECORD_LIFETIME = 2 * PEER_RECORD_REFRESH

/** Default lifetime of an attestation made without --expires. */
export const DEFAULT_ATTESTATION_LIFETIME = 365 * 24 * 60 * 60 * 1000
/** Default onward vouching depth of an attestation. */
export const DEFAULT_MAX_DEPTH = 2

/**
 * Relaying records from outside this cell's horizon: per sending peer,
 * 20 records a second with bursts of 200, for at most 1,000 peers; and only
 * records issued in the last 10 minutes (gossip carries news; older records
 * travel by sync between cells that want them).
 */
export const RELAY_PER_SECOND = 20
export const RELAY_BURST = 200
export const RELAY_MAX_PEERS = 1000
export const RELAY_MAX_AGE = 10 * 60 * 1000

/** Gossipsub score thresholds (negative scores mean misbehaviour). */
export const SCORE_THRESHOLDS = {
  gossipThreshold: -10,
  publishThreshold: -50,
  graylistThreshold: -80,
  acceptPXThreshold: 10,
  opportunisticGraftThreshold: 20
}
/** Application-specific bonus of a directly trusted cell. */
export const DIRECT_TRUST_SCORE_BONUS = 50
