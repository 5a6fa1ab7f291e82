/**
 * The layout version of a data directory, kept in `format.json`. A cell
 * keeps its data for years and across upgrades, so an agent checks the
 * version before it reads or writes anything else there: a directory from
 * a newer agent, whose layout this one cannot know, is refused untouched
 * rather than half understood. A directory from before the file existed is
 * format 1, the layout this file was introduced with.
 */
import { readFile } from 'node:fs/promises'
import { DataDirError } from '../errors.ts'
import { writeFileAtomic } from '../util/atomic-file.ts'

/** The layout this agent reads and writes. Raise it with a migration when the layout changes. */
export const DATA_FORMAT = 1

interface FormatFile {
  format: number
  /** The agent version that last wrote the file, for the error message */
  writtenBy?: string
}

/**
 * Check the data directory's format and record it (with this agent's
 * version) when it is missing. Throws DataDirError for a newer format or
 * a damaged file, before anything else in the directory is touched.
 */
export async function checkDataFormat (path: string, agentVersion: string): Promise<void> {
  const found = await readFormat(path)
  if (found == null) {
    await writeFileAtomic(path, `${JSON.stringify({ format: DATA_FORMAT, writtenBy: agentVersion } satisfies FormatFile)}\n`)
    return
  }

  if (found.format > DATA_FORMAT) {
    throw new DataDirError(
      `${path} says this data is format ${found.format}` +
      `${found.writtenBy != null ? ` (written by agent ${found.writtenBy})` : ''}; ` +
      `this agent (${agentVersion}) reads format ${DATA_FORMAT} at most. ` +
      'Run the newer agent on it, or restore a backup made for this one. Nothing was changed.'
    )
  }
}

async function readFormat (path: string): Promise<FormatFile | undefined> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new DataDirError(`Cannot read ${path}: ${(err as Error).message}`, { cause: err })
  }

  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    parsed = undefined
  }
  const format = (parsed as Partial<FormatFile> | undefined)?.format
  if (typeof format !== 'number' || !Number.isInteger(format) || format < 1) {
    throw new DataDirError(`${path} is damaged: it should hold {"format": ${DATA_FORMAT}} for this agent's data. Nothing was changed.`)
  }
  const writtenBy = (parsed as Partial<FormatFile>).writtenBy
  return typeof writtenBy === 'string' ? { format, writtenBy } : { format }
}
