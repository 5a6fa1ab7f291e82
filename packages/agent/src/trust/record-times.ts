/**
 * When a record was made, whatever its kind: what relay and forwarding
 * rules mean by "recent".
 */
import type { OpenedRecord } from '@cell/trust'

export function issuedAt (record: OpenedRecord): number {
  switch (record.kind) {
    case 'peer-record': return record.record.issuedAt
    case 'attestation': return record.record.notBefore
    default: return record.record.effectiveAt
  }
}
