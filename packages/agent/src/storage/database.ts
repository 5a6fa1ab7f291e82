/**
 * The cell's one database: a classic-level (LevelDB) instance in the data
 * directory, with a sublevel per package. The libp2p datastore (peer store,
 * DHT records) is a sublevel too, so a restarted cell remembers its peers.
 *
 * Acknowledged writes survive `kill -9`: LevelDB appends each write to its
 * log before returning, and the OS keeps that page after the process dies.
 */
import { Level } from 'level'
import { LevelDatastore } from 'datastore-level'
import { DataDirError } from '../errors.ts'

import type { AbstractSublevel } from 'abstract-level'

export type Sublevel = AbstractSublevel<Level<string, Uint8Array>, string | Uint8Array, string, Uint8Array>

export interface CellDatabase {
  root: Level<string, Uint8Array>
  /** A sublevel for one package or component, keyed by utf8 strings */
  sublevel(name: string): Sublevel
  /** The libp2p datastore, backed by the `libp2p` sublevel */
  datastore: LevelDatastore
  close(): Promise<void>
}

export async function openDatabase (path: string): Promise<CellDatabase> {
  const root = new Level<string, Uint8Array>(path, { keyEncoding: 'utf8', valueEncoding: 'view' })
  try {
    await root.open()
  } catch (err) {
    const cause = (err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message
    throw new DataDirError(`Cannot open the database at ${path} (${cause}); is another agent running on this data dir?`, { cause: err })
  }

  const sublevel = (name: string): Sublevel => root.sublevel<string, Uint8Array>(name, { keyEncoding: 'utf8', valueEncoding: 'view' }) as unknown as Sublevel

  // datastore-level accepts a Level instance; a sublevel has the same
  // interface, and sharing the one LevelDB keeps a single lock and log.
  const datastore = new LevelDatastore(sublevel('libp2p') as unknown as Level<string, Uint8Array>)
  await datastore.open()

  return {
    root,
    sublevel,
    datastore,
    close: async () => {
      await datastore.close()
      await root.close()
    }
  }
}
