/**
 * A TrustStore that reports each record it stores in its log, whether it
 * came by gossip, sync or promotion out of quarantine, and each record it
 * quarantines (received, relayed, but not kept): the simulation's delivery
 * probe. It changes nothing about what the store decides.
 */
import { TrustStore } from '@cell/trust'
import type { IngestResult, OpenedRecord, TrustStoreInit } from '@cell/trust'
import type { OpenOptions } from '@cell/trust'

/** `kept`: stored in the log; otherwise only quarantined. */
export type StoredListener = (recordId: string, kept: boolean) => void

export class ObservedStore extends TrustStore {
  private readonly onStored: StoredListener

  constructor (init: TrustStoreInit, onStored: StoredListener) {
    super(init)
    this.onStored = onStored
  }

  override async ingest (bytes: Uint8Array, options: OpenOptions): Promise<IngestResult> {
    const result = await super.ingest(bytes, options)
    if (result.status === 'accepted' || result.status === 'quarantined') this.onStored(result.record.id, result.status === 'accepted')
    return result
  }

  override async setHorizon (ids: Iterable<string>): Promise<OpenedRecord[]> {
    const promoted = await super.setHorizon(ids)
    for (const record of promoted) this.onStored(record.id, true)
    return promoted
  }
}
