/**
 * Defaults of the agent, in one place. Every value here can be overridden
 * in the cell's config file or on the command line unless noted.
 */
export const SECOND = 1000
export const MINUTE = 60 * SECOND
export const KIB = 1024
export const MIB = 1024 * KIB

/** Data directory when neither `--data-dir` nor `$CELL_HOME` is given. */
export const DEFAULT_DATA_DIR_NAME = '.cell'

export const DEFAULT_API_HOST = '127.0.0.1'
export const DEFAULT_API_PORT = 3000
export const DEFAULT_P2P_PORT = 4001

/** Largest request body the API accepts before parsing. */
export const DEFAULT_API_BODY_LIMIT = 256 * KIB

/** Protocol prefix so cells form their own DHT, never the public IPFS one. */
export const DHT_PROTOCOL = '/pic/kad/1.0.0'

/**
 * How often libp2p pings each connection to check it is alive (libp2p's
 * own default is 10 s; not configurable). Trust, not connections, drives
 * tunnels and records, and sync reconciles after a reconnect, so a dead
 * connection noticed within 30 s loses nothing. The pings were half of an
 * idle cell's CPU: each opens a stream, negotiates it and writes the peer
 * store (measured over 300 cells in one process: 0.3 of a core against
 * 0.16; simulations/README.md).
 */
export const CONNECTION_PING_INTERVAL = 30 * SECOND

/**
 * The shortest wait for a ping's answer before libp2p aborts the
 * connection (its own floor is 5 s). A cell busy for a few seconds (a
 * large sync, a slow machine) answers late, not never; aborting then
 * costs a redial, a handshake and a sync each, which made 1,000 cells in
 * one process abort 3,700 connections and never recover. Not
 * configurable.
 */
export const CONNECTION_PING_TIMEOUT = 20 * SECOND

/** How many service-bus events are kept for `/api/services/bus/events`. */
export const BUS_HISTORY_LIMIT = 1000

/** A log file is rotated past this size; this many rotated files are kept. */
export const DEFAULT_LOG_FILE_BYTES = 10 * MIB
export const DEFAULT_LOG_FILES_KEPT = 5

/** Upper bound on lines a log search reads back, so a search stays cheap. */
export const LOG_SEARCH_MAX_RESULTS = 1000

/** How many config backups are kept before the oldest is pruned. */
export const CONFIG_BACKUPS_KEPT = 50

/** Budget for each manager's stop during shutdown before it is abandoned. */
export const MANAGER_STOP_TIMEOUT = 10 * SECOND
