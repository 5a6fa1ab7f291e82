/**
 * zod schemas of the user's DNS records, shared with the agent's HTTP API.
 *
 * Names are written fully qualified without the trailing dot
 * (`blog.cell`), compared lowercase. A label follows RFC 1035 section 2.3.1
 * (letters, digits, inner hyphens, at most 63 bytes) and may also start with
 * one underscore, because RFC 2782 (SRV) and RFC 7489 (DMARC) service labels
 * need it (`_http._tcp.alice.cell`). A name has at most 253 characters.
 */
import { z } from 'zod'
import { DEFAULT_RECORD_TTL, MAX_RECORD_TTL, MIN_RECORD_TTL } from './constants.ts'
import { DnsValidationError } from './errors.ts'

const LABEL = /^(?:_[a-z0-9-]{1,62}|[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)$/
const MAX_NAME_LENGTH = 253

/** RFC 1035 section 3.3: a character-string carries at most 255 bytes. */
const MAX_TXT_STRING_BYTES = 255
const MAX_TXT_STRINGS = 16

function checkName (name: string, ctx: z.core.$RefinementCtx<string>): void {
  if (name.length === 0 || name.length > MAX_NAME_LENGTH) {
    ctx.addIssue({ code: 'custom', message: `must be 1 to ${MAX_NAME_LENGTH} characters` })
    return
  }
  const bad = name.split('.').find(label => !LABEL.test(label))
  if (bad !== undefined) {
    ctx.addIssue({ code: 'custom', message: `label "${bad}" is not a valid DNS label` })
  }
}

/** A domain name: trimmed of one trailing dot, lowercased, RFC 1035 labels. */
export const DnsNameSchema = z.string()
  .transform(name => name.trim().replace(/\.$/, '').toLowerCase())
  .superRefine(checkName)

/** A record TTL in seconds, 60 seconds to one week. */
export const DnsTtlSchema = z.number().int().min(MIN_RECORD_TTL).max(MAX_RECORD_TTL)

const u16 = z.number().int().min(0).max(65_535)

const txtString = z.string().refine(s => Buffer.byteLength(s) <= MAX_TXT_STRING_BYTES, {
  message: `each string must be at most ${MAX_TXT_STRING_BYTES} bytes`
})

const common = {
  name: DnsNameSchema,
  ttl: DnsTtlSchema.default(DEFAULT_RECORD_TTL)
}

export const ARecordSchema = z.object({ ...common, type: z.literal('A'), data: z.ipv4() })
export const AaaaRecordSchema = z.object({ ...common, type: z.literal('AAAA'), data: z.ipv6() })
export const CnameRecordSchema = z.object({ ...common, type: z.literal('CNAME'), data: DnsNameSchema })
export const MxRecordSchema = z.object({
  ...common,
  type: z.literal('MX'),
  data: z.object({ preference: u16, exchange: DnsNameSchema })
})
export const TxtRecordSchema = z.object({
  ...common,
  type: z.literal('TXT'),
  // One string is the common case; a list maps to several character-strings.
  data: z.union([txtString, z.array(txtString).min(1).max(MAX_TXT_STRINGS)])
    .transform(data => typeof data === 'string' ? [data] : data)
})
export const SrvRecordSchema = z.object({
  ...common,
  type: z.literal('SRV'),
  data: z.object({ priority: u16, weight: u16, port: u16, target: DnsNameSchema })
})

/** What the API accepts to create a record. */
export const DnsRecordInputSchema = z.discriminatedUnion('type', [
  ARecordSchema, AaaaRecordSchema, CnameRecordSchema, MxRecordSchema, TxtRecordSchema, SrvRecordSchema
])

/** A stored record: the validated input plus its id and creation time. */
export const DnsRecordSchema = z.intersection(DnsRecordInputSchema, z.object({
  id: z.string().min(1).max(64),
  created: z.iso.datetime()
}))

/** The record types a user may create. */
export const USER_RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'SRV'] as const

export type DnsRecordInput = z.input<typeof DnsRecordInputSchema>
export type DnsRecordData = z.output<typeof DnsRecordInputSchema>
export type DnsRecord = z.output<typeof DnsRecordSchema>
export type UserRecordType = typeof USER_RECORD_TYPES[number]

/** Turn a zod failure into a DnsValidationError whose `field` is the dotted path. */
export function toValidationError (error: z.ZodError): DnsValidationError {
  return new DnsValidationError(error.issues.map(issue => ({
    field: issue.path.map(String).join('.'),
    message: issue.message
  })))
}

/** Validate and normalise record input, throwing DnsValidationError. */
export function parseRecordInput (input: unknown): DnsRecordData {
  const result = DnsRecordInputSchema.safeParse(input)
  if (!result.success) {
    throw toValidationError(result.error)
  }
  return result.data
}
