/**
 * Reads the agent's own rotated log files back for `/api/logs/*`: search by
 * component, level, text and time, and per-level / per-component counts.
 * Reads are bounded by LOG_SEARCH_MAX_RESULTS so a search stays cheap.
 */
import { createReadStream } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { LOG_SEARCH_MAX_RESULTS } from '../constants.ts'
import { LOG_FILE_BASE } from './logger.ts'

export interface LogEntry {
  time: string
  level: string
  component: string
  msg: string
  [key: string]: unknown
}

export interface LogQuery {
  component?: string
  level?: string
  text?: string
  since?: string
  limit?: number
}

export interface LogStatistics {
  files: Array<{ name: string, bytes: number }>
  totalLines: number
  byLevel: Record<string, number>
  byComponent: Record<string, number>
}

// pino's numeric levels, in order.
const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' }
const LEVEL_RANK: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 }

async function logFiles (dir: string): Promise<string[]> {
  let names: string[]
  try {
    names = await readdir(dir)
  } catch {
    return []
  }
  const pattern = new RegExp(`^${LOG_FILE_BASE}\\.(\\d+)\\.log$`)
  return names
    .filter(name => pattern.test(name))
    .sort((a, b) => Number(pattern.exec(a)?.[1]) - Number(pattern.exec(b)?.[1]))
}

async function * readEntries (dir: string): AsyncGenerator<LogEntry> {
  for (const name of await logFiles(dir)) {
    const lines = createInterface({ input: createReadStream(join(dir, name), 'utf8'), crlfDelay: Infinity })
    for await (const line of lines) {
      if (line === '') continue
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>
        yield {
          ...parsed,
          time: String(parsed.time ?? ''),
          level: LEVELS[Number(parsed.level)] ?? String(parsed.level),
          component: String(parsed.component ?? ''),
          msg: String(parsed.msg ?? '')
        }
      } catch {
        // A line cut by a crash mid-write is skipped, not fatal.
      }
    }
  }
}

function matches (entry: LogEntry, query: LogQuery): boolean {
  if (query.component != null && entry.component !== query.component && !entry.component.startsWith(`${query.component}:`)) {
    return false
  }
  if (query.level != null && (LEVEL_RANK[entry.level] ?? 0) < (LEVEL_RANK[query.level] ?? 0)) {
    return false
  }
  if (query.since != null && entry.time < query.since) {
    return false
  }
  if (query.text != null && !JSON.stringify(entry).toLowerCase().includes(query.text.toLowerCase())) {
    return false
  }
  return true
}

/** The newest matching entries, oldest first, at most `limit`. */
export async function searchLogs (dir: string, query: LogQuery): Promise<LogEntry[]> {
  const limit = Math.min(query.limit ?? 100, LOG_SEARCH_MAX_RESULTS)
  const found: LogEntry[] = []
  for await (const entry of readEntries(dir)) {
    if (!matches(entry, query)) continue
    found.push(entry)
    if (found.length > limit) found.shift()
  }
  return found
}

export async function logStatistics (dir: string): Promise<LogStatistics> {
  const stats: LogStatistics = { files: [], totalLines: 0, byLevel: {}, byComponent: {} }
  for (const name of await logFiles(dir)) {
    stats.files.push({ name, bytes: (await stat(join(dir, name))).size })
  }
  for await (const entry of readEntries(dir)) {
    stats.totalLines++
    stats.byLevel[entry.level] = (stats.byLevel[entry.level] ?? 0) + 1
    stats.byComponent[entry.component] = (stats.byComponent[entry.component] ?? 0) + 1
  }
  return stats
}
