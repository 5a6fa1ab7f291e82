/**
 * Naming of trusted cells.
 *
 * The agent pushes the list of cells it currently trusts. Each cell gets
 * two names:
 *
 * - `<name>.<short-id>.<zone>` always, where the short id is the last
 *   SHORT_ID_LENGTH (8) characters of the cell id, lowercased. Cell ids are
 *   libp2p peer ids whose tails are uniformly random, so the tail
 *   distinguishes cells; lowercasing keeps it a valid, case-insensitive label.
 * - `<name>.<zone>` for the one cell that wins the name: the lowest trust
 *   distance (0 self, 1 direct, 2+ indirect), ties broken by the lower cell
 *   id (plain string comparison). Someone far away in the web of trust can
 *   therefore never take over a name held by a closer cell.
 *
 * Cells arrive from the network, so bad entries are skipped and reported
 * rather than thrown: one peer with a silly name must not blank the zone.
 */
import { z } from 'zod'
import { NAMESERVER_LABEL, SHORT_ID_LENGTH } from './constants.ts'

const CELL_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/

export const CellSchema = z.object({
  cellId: z.string().min(SHORT_ID_LENGTH).max(256),
  name: z.string().transform(name => name.trim().toLowerCase())
    .refine(name => CELL_LABEL.test(name), { message: 'must be one DNS label (letters, digits, inner hyphens, at most 63)' }),
  ipv4: z.ipv4().optional(),
  ipv6: z.ipv6().optional(),
  distance: z.number().int().min(0)
})

export type Cell = z.input<typeof CellSchema>
export type ValidCell = z.output<typeof CellSchema>

export interface CellRejection {
  cellId: string
  field: string
  message: string
}

export interface CellNaming {
  /** Valid cells, keyed by `<name>.<short-id>` (relative to the zone). */
  qualified: Map<string, ValidCell>
  /** The winner of each plain `<name>` (relative to the zone). */
  plain: Map<string, ValidCell>
  rejected: CellRejection[]
}

/** The short id of a cell: its last eight characters, lowercased. */
export function shortCellId (cellId: string): string {
  return cellId.slice(-SHORT_ID_LENGTH).toLowerCase()
}

/** Whether `a` should hold a contested name rather than `b`. */
export function outranks (a: ValidCell, b: ValidCell): boolean {
  if (a.distance !== b.distance) {
    return a.distance < b.distance
  }
  return a.cellId < b.cellId
}

/** Validate the cells and decide who holds which name. */
export function nameCells (cells: readonly unknown[]): CellNaming {
  const naming: CellNaming = { qualified: new Map(), plain: new Map(), rejected: [] }

  for (const input of cells) {
    const result = CellSchema.safeParse(input)
    if (!result.success) {
      const issue = result.error.issues[0]
      const cellId = typeof (input as { cellId?: unknown })?.cellId === 'string' ? (input as { cellId: string }).cellId : ''
      naming.rejected.push({ cellId, field: issue.path.map(String).join('.'), message: issue.message })
      continue
    }
    const cell = result.data

    // Two cells whose ids end alike and who chose the same name share the
    // qualified name too; the same ranking decides it.
    const key = `${cell.name}.${shortCellId(cell.cellId)}`
    const holder = naming.qualified.get(key)
    if (holder === undefined || outranks(cell, holder)) {
      naming.qualified.set(key, cell)
    }

    // The name server label is generated at the apex, so no cell takes it.
    if (cell.name === NAMESERVER_LABEL) {
      continue
    }
    const current = naming.plain.get(cell.name)
    if (current === undefined || outranks(cell, current)) {
      naming.plain.set(cell.name, cell)
    }
  }

  return naming
}
