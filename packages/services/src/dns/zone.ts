/**
 * The zone as a lookup table, rebuilt whole whenever cells or records change.
 *
 * Queries then cost one Map lookup per name, and a query never sees a zone
 * that is half updated: the table is swapped in one assignment.
 *
 * Layout (for zone `cell`):
 * - `cell` SOA and NS `ns.cell`; `ns.cell` A/AAAA = the cell with distance 0.
 * - `<name>.cell` and `<name>.<short-id>.cell` A/AAAA (see cells.ts).
 * - the user's records at their own names. Where a user record and a
 *   generated one share a name, the user's RRset of that type replaces the
 *   generated one, and a user CNAME replaces everything at its name
 *   (RFC 1034 section 3.6.2 forbids a CNAME beside other data).
 */
import type { Answer, SoaAnswer } from 'dns-packet'
import { nameCells, outranks } from './cells.ts'
import type { CellNaming, CellRejection, ValidCell } from './cells.ts'
import { APEX_TTL, CELL_TTL, HOSTMASTER_LABEL, NAMESERVER_LABEL, NEGATIVE_TTL } from './constants.ts'
import type { DnsRecord } from './schemas.ts'

/** RRsets of one owner name, keyed by record type (`A`, `MX`, ...). */
export type RRSets = Map<string, Answer[]>

export interface ZoneSnapshot {
  /** Zone origin, lowercase, no trailing dot. */
  origin: string
  serial: number
  /** Owner name (lowercase, no trailing dot) to its RRsets. */
  table: Map<string, RRSets>
  /** Every owner name plus every empty non-terminal above one, up to the origin. */
  names: Set<string>
  soa: SoaAnswer
  cells: number
  records: number
}

function add (table: Map<string, RRSets>, answer: Answer): void {
  let sets = table.get(answer.name)
  if (sets === undefined) {
    sets = new Map()
    table.set(answer.name, sets)
  }
  const list = sets.get(answer.type) ?? []
  list.push(answer)
  sets.set(answer.type, list)
}

function addAddresses (table: Map<string, RRSets>, name: string, cell: ValidCell): void {
  if (cell.ipv4 !== undefined) {
    add(table, { name, type: 'A', ttl: CELL_TTL, data: cell.ipv4 })
  }
  if (cell.ipv6 !== undefined) {
    add(table, { name, type: 'AAAA', ttl: CELL_TTL, data: cell.ipv6 })
  }
}

/** A user record as a dns-packet answer. */
export function recordToAnswer (record: DnsRecord): Answer {
  const { name, ttl } = record
  switch (record.type) {
    case 'A': return { name, ttl, type: 'A', data: record.data }
    case 'AAAA': return { name, ttl, type: 'AAAA', data: record.data }
    case 'CNAME': return { name, ttl, type: 'CNAME', data: record.data }
    case 'MX': return { name, ttl, type: 'MX', data: { ...record.data } }
    case 'TXT': return { name, ttl, type: 'TXT', data: [...record.data] }
    case 'SRV': return { name, ttl, type: 'SRV', data: { ...record.data } }
  }
}

function collectNames (origin: string, table: Map<string, RRSets>): Set<string> {
  const names = new Set<string>([origin])
  for (const owner of table.keys()) {
    // Walk up to the origin so that empty non-terminals answer NODATA, not
    // NXDOMAIN (RFC 8020).
    let name = owner
    while (name !== origin && !names.has(name)) {
      names.add(name)
      name = name.slice(name.indexOf('.') + 1)
    }
  }
  return names
}

export class Zone {
  readonly origin: string
  #naming: CellNaming = nameCells([])
  #records: DnsRecord[] = []
  #serial = 0
  #snapshot: ZoneSnapshot

  constructor (origin: string) {
    this.origin = origin
    this.#snapshot = this.#build()
  }

  get snapshot (): ZoneSnapshot {
    return this.#snapshot
  }

  /** Replace the trusted cells; returns the entries that were skipped. */
  setCells (cells: readonly unknown[]): CellRejection[] {
    this.#naming = nameCells(cells)
    this.#snapshot = this.#build()
    return this.#naming.rejected
  }

  /** Replace the user's records (already validated). */
  setRecords (records: readonly DnsRecord[]): void {
    this.#records = [...records]
    this.#snapshot = this.#build()
  }

  #nextSerial (): number {
    // Seconds since the epoch keep the serial increasing across restarts;
    // the +1 keeps it increasing within a second (RFC 1982 arithmetic is
    // not needed before 2106).
    this.#serial = Math.max(this.#serial + 1, Math.floor(Date.now() / 1000))
    return this.#serial
  }

  #build (): ZoneSnapshot {
    const origin = this.origin
    const nameserver = `${NAMESERVER_LABEL}.${origin}`
    const generated = new Map<string, RRSets>()

    const soa: SoaAnswer = {
      name: origin,
      type: 'SOA',
      ttl: APEX_TTL,
      data: {
        mname: nameserver,
        rname: `${HOSTMASTER_LABEL}.${origin}`,
        serial: this.#nextSerial(),
        refresh: 3600,
        retry: 600,
        expire: 86_400,
        minimum: NEGATIVE_TTL
      }
    }
    add(generated, soa)
    add(generated, { name: origin, type: 'NS', ttl: APEX_TTL, data: nameserver })

    let self: ValidCell | undefined
    for (const [label, cell] of this.#naming.plain) {
      addAddresses(generated, `${label}.${origin}`, cell)
      if (cell.distance === 0 && (self === undefined || outranks(cell, self))) {
        self = cell
      }
    }
    for (const [label, cell] of this.#naming.qualified) {
      addAddresses(generated, `${label}.${origin}`, cell)
    }
    if (self !== undefined) {
      addAddresses(generated, nameserver, self)
    }

    const user = new Map<string, RRSets>()
    for (const record of this.#records) {
      add(user, recordToAnswer(record))
    }

    const table = generated
    for (const [owner, sets] of user) {
      const merged: RRSets = sets.has('CNAME') ? new Map() : (table.get(owner) ?? new Map())
      for (const [type, answers] of sets) {
        merged.set(type, answers)
      }
      table.set(owner, merged)
    }

    return {
      origin,
      serial: soa.data.serial ?? 0,
      table,
      names: collectNames(origin, table),
      soa,
      cells: this.#naming.qualified.size,
      records: this.#records.length
    }
  }
}
