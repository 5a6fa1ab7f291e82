/**
 * Cells this cell's owner refuses outright (`cell trust block`), whoever
 * vouches for them: a stolen device that friends still attest, a cell
 * that misbehaves. A revocation withdraws only this cell's own attestation;
 * a block also outweighs everyone else's, here, and libp2p refuses the
 * cell's connections. It is a local decision, kept in this cell's database
 * and never gossiped.
 */
import type { Sublevel } from '../storage/database.ts'

export interface BlockedCell {
  cellId: string
  /** ISO time the block was made */
  blockedAt: string
  /** The owner's own words on why, if given */
  note?: string
}

export class BlockedSet {
  private readonly db: Sublevel
  private readonly cells = new Map<string, BlockedCell>()

  constructor (db: Sublevel) {
    this.db = db
  }

  async load (): Promise<void> {
    for await (const [key, value] of this.db.iterator()) {
      this.cells.set(key, parseEntry(key, value))
    }
  }

  /** Block a cell; blocking it again keeps the first time and replaces the note. */
  async add (cellId: string, note?: string): Promise<BlockedCell> {
    const entry: BlockedCell = { cellId, blockedAt: this.cells.get(cellId)?.blockedAt ?? new Date().toISOString() }
    if (note != null) entry.note = note
    await this.db.put(cellId, new TextEncoder().encode(JSON.stringify(entry)))
    this.cells.set(cellId, entry)
    return entry
  }

  async delete (cellId: string): Promise<boolean> {
    if (!this.cells.has(cellId)) return false
    await this.db.del(cellId)
    this.cells.delete(cellId)
    return true
  }

  has (cellId: string): boolean {
    return this.cells.has(cellId)
  }

  ids (): string[] {
    return [...this.cells.keys()]
  }

  list (): BlockedCell[] {
    return [...this.cells.values()].sort((a, b) => a.blockedAt.localeCompare(b.blockedAt) || a.cellId.localeCompare(b.cellId))
  }
}

/**
 * An entry that does not parse still blocks its cell: the key is what
 * matters, and dropping a block because its note was damaged would let
 * the cell back in unasked.
 */
function parseEntry (cellId: string, value: Uint8Array): BlockedCell {
  try {
    const parsed = JSON.parse(new TextDecoder().decode(value)) as Partial<BlockedCell>
    const entry: BlockedCell = { cellId, blockedAt: typeof parsed.blockedAt === 'string' ? parsed.blockedAt : new Date(0).toISOString() }
    if (typeof parsed.note === 'string') entry.note = parsed.note
    return entry
  } catch {
    return { cellId, blockedAt: new Date(0).toISOString() }
  }
}
