/**
 * Defaults of the simulation harness, in one place.
 */
export const SECOND = 1000

/** Cells in a run unless --cells says otherwise. */
export const DEFAULT_CELLS = 50
/** Seed of every random choice (topology, keys, schedule). */
export const DEFAULT_SEED = 1
/** One-way latency of a link (ms) and its jitter (share of the latency). */
export const DEFAULT_LATENCY = 25
export const DEFAULT_JITTER = 0.1
/** Connections (and mutual trust edges) per cell. */
export const DEFAULT_DEGREE = 6
/** Onward vouching depth of the attestations cells make (the agent's default). */
export const DEFAULT_MAX_DEPTH = 2

/** How long a scenario waits for the network to converge before reporting failure. */
export const CONVERGENCE_TIMEOUT = 60 * SECOND
/** Poll interval while waiting on a real-time (libp2p) network. */
export const POLL_INTERVAL = 10
/** The agent debounces trust changes this long before reconciling the mesh. */
export const MESH_DEBOUNCE = 25

/** Attestations made by the simulation are valid this long. */
export const ATTESTATION_LIFETIME = 30 * 24 * 60 * 60 * SECOND
/**
 * How long before the run the start state was signed: a network that has
 * been running a while, whose records are older than the agent's relay age
 * (10 minutes), so neither gossip relaying nor the forwarding of synced
 * records treats them as news; records made during the run are.
 */
export const START_STATE_AGE = 60 * 60 * SECOND

/** Quarantine of each simulated store (the agent's default). */
export const QUARANTINE_CAPACITY = 1000

/** Sybil scenario: identities behind the attack edges and their out-degree. */
export const DEFAULT_SYBILS = 200
export const SYBIL_DEGREE = 10
/** Attack edges of the sybil scenario unless --attack-edges says otherwise. */
export const DEFAULT_ATTACK_EDGES = 2

/** Attacker cells of the spam and eclipse scenarios unless --attackers says otherwise. */
export const DEFAULT_ATTACKERS = 4
/** Spam scenario: records each attacker floods in all (more than the quarantine holds), over this many rounds. */
export const DEFAULT_SPAM_RECORDS = 1200
export const SPAM_ROUNDS = 3
/** Churn scenario: share of cells that go offline unless --churn says otherwise. */
export const DEFAULT_CHURN = 0.3

/** Width of the progress bar on stderr, in characters. */
export const PROGRESS_WIDTH = 30
