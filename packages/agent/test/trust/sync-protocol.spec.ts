import assert from 'node:assert/strict'
import { missingFor, summarise } from '../../src/trust/sync-protocol.ts'
import type { SyncPeerStore } from '../../src/trust/sync-protocol.ts'

/** A store of fake envelopes: issuer -> seq -> bytes naming both; it wants `horizon` too. */
function store (logs: Record<string, number[]>, horizon: string[] = []): SyncPeerStore {
  return {
    horizon: () => horizon,
    versionVector: () => new Map(Object.entries(logs).map(([issuer, seqs]) => [issuer, Math.max(...seqs)])),
    recordsAfter: (issuer, seq) => (logs[issuer] ?? []).filter(s => s > seq).sort((a, b) => a - b)
      .map(s => new TextEncoder().encode(`${issuer}#${s}`))
  }
}

const names = (envelopes: Uint8Array[]): string[] => envelopes.map(bytes => new TextDecoder().decode(bytes))

describe('sync protocol: what to send', () => {
  it('sends only records above the peer\'s highest seq when the peer holds all below it', () => {
    const mine = store({ alice: [1, 2, 3, 4], bob: [7] })
    const theirs = summarise(store({ alice: [1, 2], bob: [7] }))
    assert.deepEqual(names(missingFor(mine, summarise(mine), theirs)), ['alice#3', 'alice#4'])
  })

  it('sends every record of an issuer when the peer has a gap below its highest seq', () => {
    // The peer got alice#4 by gossip but never alice#2: same top, fewer records.
    const mine = store({ alice: [2, 4] })
    const theirs = summarise(store({ alice: [4] }))
    assert.deepEqual(names(missingFor(mine, summarise(mine), theirs)), ['alice#2', 'alice#4'])
  })

  it('sends issuers of the peer\'s horizon it holds nothing of, and nothing when both agree', () => {
    const mine = store({ carol: [5, 6] })
    const theirs = summarise(store({}, ['carol']))
    assert.deepEqual([...theirs], [['carol', { seq: -1, count: 0 }]])
    assert.deepEqual(names(missingFor(mine, summarise(mine), theirs)), ['carol#5', 'carol#6'])
    assert.deepEqual(missingFor(mine, summarise(mine), summarise(mine)), [])
  })

  it('sends nothing of issuers the peer does not list: it would only quarantine them', () => {
    const mine = store({ carol: [5, 6], dave: [1] })
    const theirs = summarise(store({ dave: [1] }))
    assert.deepEqual(missingFor(mine, summarise(mine), theirs), [])
  })

  it('offers its records of an issuer where the peer is ahead, since it cannot tell which the peer lacks', () => {
    // Seqs are clock-based, not dense, so a summary of (highest 3, three
    // records) does not say whether seq 1 is among them; duplicates are
    // dropped on arrival.
    const mine = store({ alice: [1] })
    const theirs = summarise(store({ alice: [1, 2, 3] }))
    assert.deepEqual(names(missingFor(mine, summarise(mine), theirs)), ['alice#1'])
  })
})
