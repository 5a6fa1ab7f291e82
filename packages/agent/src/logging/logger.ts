/**
 * One logger family for the whole agent: structured JSON lines from pino,
 * each carrying a `component` field, written to stdout and to a
 * size-rotated file under the data directory (read back by log search).
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { pino } from 'pino'
import roll from 'pino-roll'
import type { Logger } from 'pino'

export type { Logger }

export interface LoggerInit {
  dir: string
  level: string
  stdout: boolean
  maxFileBytes: number
  maxFiles: number
}

export interface AgentLogger {
  root: Logger
  /** Flush and close the file stream (on stop). */
  close(): Promise<void>
}

/** Base name of the log files: `cell.1.log`, `cell.2.log`, ... */
export const LOG_FILE_BASE = 'cell'

export async function createAgentLogger (init: LoggerInit): Promise<AgentLogger> {
  await mkdir(init.dir, { recursive: true })
  const file = await roll({
    file: join(init.dir, LOG_FILE_BASE),
    extension: '.log',
    size: `${Math.ceil(init.maxFileBytes / 1024)}k`,
    limit: { count: init.maxFiles },
    mkdir: true
  })

  const streams: pino.StreamEntry[] = [{ level: 'trace', stream: file }]
  if (init.stdout) {
    streams.push({ level: 'trace', stream: process.stdout })
  }

  const root = pino({
    level: init.level,
    base: { component: 'agent' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['token', 'apiToken', 'privateKey', '*.privateKey', 'passphrase', 'secret'], censor: '[redacted]' }
  }, pino.multistream(streams))

  return {
    root,
    close: async () => {
      root.flush()
      await new Promise<void>(resolve => {
        file.once('close', () => { resolve() })
        file.end()
      })
    }
  }
}

/** A child logger for one component, e.g. `component(log, 'api')`. */
export function componentLogger (log: Logger, component: string): Logger {
  return log.child({ component })
}
