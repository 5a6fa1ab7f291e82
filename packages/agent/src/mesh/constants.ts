/**
 * Defaults of the agent's mesh service. The mesh package holds the
 * WireGuard defaults (interface name, port, keepalive); these are the
 * agent-side ones: how often addresses are checked, how long a ping waits.
 */
import { SECOND } from '../constants.ts'

/**
 * How often the cell re-reads its interface addresses to notice that its
 * underlay changed (a laptop moving networks, a new DHCP lease). Reading
 * them is one getifaddrs(3) call, so a few seconds costs nothing.
 */
export const DEFAULT_ADDRESS_CHECK_SECONDS = 5

/** Most WireGuard endpoints a peer record carries (the trust layer's cap). */
export const MAX_ANNOUNCED_ENDPOINTS = 8

/** Most manual (non-cell) WireGuard peers a cell keeps. */
export const MAX_MANUAL_PEERS = 256

/** Cell id prefix of manual peers in the desired state, so they sort after cells. */
export const MANUAL_PEER_PREFIX = 'manual:'

/** Directory under the data dir for files the WireGuard backend reads. */
export const MESH_DIR_NAME = 'mesh'

/** One `ping` over the overlay: one echo request, one second to answer. */
export const PING_TIMEOUT = 3 * SECOND

/**
 * Upper bound on the wait before an expiring attestation is re-checked.
 * Views change when attestations expire without any event; the manager
 * re-reconciles at the next expiry, and at least this often.
 */
export const MAX_EXPIRY_WAIT = 60 * 60 * SECOND
