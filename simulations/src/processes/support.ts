/**
 * What processes mode can run. Real agent processes talk over loopback
 * TCP: links cannot be delayed, cut or partitioned, and nothing can be
 * injected past the agents' API (raw gossip, hand-overs, silenced
 * relays). So only the scenarios that need none of that run; the others
 * are refused before any process starts.
 */
import { UnsupportedModeError } from '../errors.ts'

export const PROCESS_SCENARIOS: readonly string[] = ['propagation', 'revocation']
/** The agents' state is re-read this often, ms: the resolution of processes-mode times. */
export const PROCESS_POLL_INTERVAL = 150
/** Each agent is a full Node process (about 120 MB resident): a few dozen at most. */
export const MAX_PROCESS_CELLS = 64

const WHY = 'real agent processes talk over loopback TCP, which cannot be delayed, cut or partitioned, and take input only through their API'

export function unsupported (what: string): UnsupportedModeError {
  return new UnsupportedModeError(`--mode processes cannot ${what}: ${WHY}. It runs the scenarios ${PROCESS_SCENARIOS.join(' and ')}`)
}

/** Refuse a scenario processes mode does not run, or too many cells (before anything starts). */
export function assertProcessesRun (scenario: string, cells: number): void {
  if (!PROCESS_SCENARIOS.includes(scenario)) throw unsupported(`run the ${scenario} scenario`)
  assertCellCount(cells)
}

function assertCellCount (cells: number): void {
  if (cells > MAX_PROCESS_CELLS) throw new UnsupportedModeError(`--mode processes runs at most ${MAX_PROCESS_CELLS} cells (one agent process each), not ${cells}`)
}

/** Scenarios libp2p mode runs over loopback TCP: those that never cut, delay or restrict a link. */
export const TCP_SCENARIOS: readonly string[] = ['propagation', 'revocation', 'sybil', 'spam']

/** Refuse `--transport tcp` where it cannot apply (before anything starts). */
export function assertTcpRun (mode: string, scenario: string): void {
  if (mode !== 'libp2p') throw new UnsupportedModeError(`--transport tcp applies to --mode libp2p only (processes mode always uses loopback TCP), not --mode ${mode}`)
  if (!TCP_SCENARIOS.includes(scenario)) {
    throw new UnsupportedModeError(`--transport tcp cannot run the ${scenario} scenario: loopback TCP cannot be delayed, cut or partitioned. It runs ${TCP_SCENARIOS.join(', ')}`)
  }
}

/** Refuse a network set-up processes mode cannot build. */
export function assertProcessesBuild (init: { cells: number, attackers: number, signers: number, trustTopology: boolean, offline: number, extended: boolean }): void {
  assertCellCount(init.cells)
  if (init.attackers > 0 || init.signers > 0 || init.extended) throw unsupported('run attacker cells or Sybil identities')
  if (!init.trustTopology || init.offline > 0) throw unsupported('start cells offline or without the topology\'s trust')
}
