/**
 * Authoritative answers from a zone snapshot (RFC 1034 section 4.3.2,
 * without wildcards and delegations, which this zone never has).
 */
import type { Answer, HInfoAnswer, StringAnswer } from 'dns-packet'
import { MAX_CNAME_CHAIN } from './constants.ts'
import type { ZoneSnapshot } from './zone.ts'

export interface AuthorityAnswer {
  rcode: 'NOERROR' | 'NXDOMAIN'
  answers: Answer[]
  authorities: Answer[]
}

/** Whether `name` (lowercase, no trailing dot) is at or below the origin. */
export function inZone (name: string, origin: string): boolean {
  return name === origin || name.endsWith(`.${origin}`)
}

function negative (rcode: 'NOERROR' | 'NXDOMAIN', answers: Answer[], zone: ZoneSnapshot): AuthorityAnswer {
  // RFC 2308 section 3: the SOA goes in the authority section so that
  // resolvers can cache the negative answer for its MINIMUM.
  const soa = { ...zone.soa, ttl: Math.min(zone.soa.ttl ?? 0, zone.soa.data.minimum ?? 0) }
  return { rcode, answers, authorities: [soa] }
}

/**
 * Answer `type` for `name` (lowercase, in zone). In-zone CNAMEs are followed
 * so a stub resolver gets the whole chain; a chain leaving the zone stops at
 * the last CNAME for the client's resolver to continue.
 */
export function lookup (zone: ZoneSnapshot, name: string, type: string): AuthorityAnswer {
  const answers: Answer[] = []
  let current = name

  for (let hop = 0; hop <= MAX_CNAME_CHAIN; hop++) {
    const sets = zone.table.get(current)
    if (sets === undefined) {
      // RFC 6604: the rcode describes the last name of the chain.
      return negative(zone.names.has(current) ? 'NOERROR' : 'NXDOMAIN', answers, zone)
    }

    const exact = sets.get(type)
    if (exact !== undefined) {
      answers.push(...exact)
      return { rcode: 'NOERROR', answers, authorities: [] }
    }

    const cname = sets.get('CNAME')
    if (cname === undefined) {
      return negative('NOERROR', answers, zone)
    }
    answers.push(...cname)
    const target = (cname[0] as StringAnswer).data.toLowerCase()
    if (!inZone(target, zone.origin)) {
      return { rcode: 'NOERROR', answers, authorities: [] }
    }
    current = target
  }

  // A loop or an overlong chain: hand back what we have, as servers do.
  return { rcode: 'NOERROR', answers, authorities: [] }
}

/**
 * RFC 8482 section 4.2: answer ANY with one synthesized HINFO rather than
 * every RRset, so the server is useless as an amplifier.
 */
export function minimalAny (zone: ZoneSnapshot, name: string): AuthorityAnswer {
  if (!zone.names.has(name)) {
    return negative('NXDOMAIN', [], zone)
  }
  const hinfo: HInfoAnswer = { name, type: 'HINFO', ttl: 3600, data: { cpu: 'RFC8482', os: '' } }
  return { rcode: 'NOERROR', answers: [hinfo], authorities: [] }
}
