/**
 * `/api/dns/records`: the user's own records in the `cell` zone. Bodies are
 * checked with the DNS library's own schemas, so the API and the server
 * agree on what a record is; the library adds the zone policy (names
 * inside the zone, CNAME alone at its name) and answers with typed errors.
 *
 * Deleting takes an id (`DELETE /api/dns/records/:id`, or `{ id }` as the
 * body of `DELETE /api/dns/records`) or `{ name, type, data? }`, which
 * removes every record of that name and type (only the one with that data
 * when `data` is given).
 */
import { DnsNameSchema, DnsRecordInputSchema, USER_RECORD_TYPES } from '@cell/services'
import { z } from 'zod'
import { NotFoundError } from '../../errors.ts'
import { parseInput } from '../validate.ts'
import type { ApiContext, RouteModule } from '../context.ts'
import type { DnsRecord } from '@cell/services'

const idSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9-]+$/, 'must be a record id')
const deleteBody = z.union([
  z.strictObject({ id: idSchema }),
  z.strictObject({ name: DnsNameSchema, type: z.enum(USER_RECORD_TYPES), data: z.unknown().optional() })
])

/** The records a `{ name, type, data? }` delete means. */
function matching (records: DnsRecord[], selector: { name: string, type: string, data?: unknown }): DnsRecord[] {
  const wanted = selector.data === undefined
    ? undefined
    : JSON.stringify(parseInput(DnsRecordInputSchema, { name: selector.name, type: selector.type, data: selector.data }).data)
  return records.filter(record => record.name === selector.name && record.type === selector.type &&
    (wanted === undefined || JSON.stringify(record.data) === wanted))
}

async function remove (api: ApiContext, ids: string[]): Promise<void> {
  const server = api.dns().server
  for (const id of ids) {
    await server.deleteRecord(id)
  }
}

export const dnsRoutes: RouteModule = (router, api) => {
  router.get('/api/dns/records', ctx => {
    ctx.body = { records: api.dns().server.listRecords() }
  })

  router.post('/api/dns/records', async ctx => {
    const input = parseInput(DnsRecordInputSchema, ctx.request.body)
    ctx.status = 201
    ctx.body = { record: await api.dns().server.createRecord(input) }
  })

  router.delete('/api/dns/records/:id', async ctx => {
    const id = parseInput(idSchema, ctx.params.id, 'id')
    const record = api.dns().server.listRecords().find(candidate => candidate.id === id)
    await remove(api, [id])
    ctx.body = { deleted: record != null ? [record] : [] }
  })

  router.delete('/api/dns/records', async ctx => {
    const body = parseInput(deleteBody, ctx.request.body)
    const records = api.dns().server.listRecords()
    const doomed = 'id' in body ? records.filter(record => record.id === body.id) : matching(records, body)
    if (doomed.length === 0) {
      throw new NotFoundError('id' in body ? `No DNS record with id "${body.id}"` : `No ${body.type} record named ${body.name}`)
    }
    await remove(api, doomed.map(record => record.id))
    ctx.body = { deleted: doomed }
  })
}
