import { pino } from 'pino'
import type { Logger } from 'pino'

export type { Logger }

/** Libraries log nothing unless the host passes its logger. */
export function silentLogger (): Logger {
  return pino({ level: 'silent' })
}

/** The component logger of one part of the mesh package. */
export function componentLogger (log: Logger | undefined, component: string): Logger {
  return (log ?? silentLogger()).child({ component })
}
