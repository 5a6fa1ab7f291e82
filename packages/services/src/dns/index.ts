/**
 * The cell's DNS: an authoritative server for the `cell` zone that names
 * the cells this cell trusts, serves the user's own records, and forwards
 * everything else to configured upstreams for local and overlay clients.
 *
 * @example
 * ```ts
 * import { DnsServer, LevelRecordStore } from '@cell/services'
 *
 * const dns = new DnsServer({
 *   host: '127.0.0.1',
 *   port: 5353,
 *   upstreams: ['9.9.9.9:53'],
 *   records: new LevelRecordStore(db.sublevel('dns-records'))
 * })
 * await dns.start()
 * dns.setCells([{ cellId: '12D3KooWAbc...', name: 'alice', ipv6: 'fdab:bf08:7a36::1', distance: 1 }])
 * await dns.createRecord({ name: 'blog.cell', type: 'CNAME', data: 'alice.cell' })
 * // dig @127.0.0.1 -p 5353 alice.cell AAAA
 * await dns.stop()
 * ```
 */
export { DnsServer } from './server.ts'
export type { DnsLimits, DnsServerAddress, DnsServerInit, DnsServerStatus } from './server.ts'
export type { DnsCounters } from './counters.ts'
export { CellSchema, shortCellId } from './cells.ts'
export type { Cell, CellRejection } from './cells.ts'
export { MemoryRecordStore } from './record-store.ts'
export type { AbortOptions, RecordStore } from './record-store.ts'
export { LevelRecordStore } from './level-record-store.ts'
export type { LevelRecordStoreInit, RecordDatabase } from './level-record-store.ts'
export {
  ARecordSchema, AaaaRecordSchema, CnameRecordSchema, DnsNameSchema, DnsRecordInputSchema, DnsRecordSchema,
  DnsTtlSchema, MxRecordSchema, SrvRecordSchema, TxtRecordSchema, USER_RECORD_TYPES, parseRecordInput
} from './schemas.ts'
export type { DnsRecord, DnsRecordData, DnsRecordInput, UserRecordType } from './schemas.ts'
export { DEFAULT_FORWARD_SOURCES } from './source-policy.ts'
export * from './errors.ts'
export {
  CELL_TTL, DEFAULT_RECORD_TTL, DEFAULT_ZONE, MAX_RECORD_TTL, MIN_RECORD_TTL, SHORT_ID_LENGTH
} from './constants.ts'
