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

  it('sends only the newer version when the peer holds an older one of a record it replaced', () => {
    // alice re-issued the record at seq 2 as seq 9 (a new peer record, say):
    // this side keeps [5, 9], the peer still [2, 5]. Only seq 9 is missing.
    const mine = store({ alice: [5, 9] })
    const theirs = summarise(store({ alice: [2, 5] }))
    assert.deepEqual(names(missingFor(mine, summarise(mine), theirs)), ['alice#9'])
  })

  it('finds a gap hidden by an old version one session later, once the counts differ at the same top', () => {
    // The peer holds old seq 2 (replaced here by 9) and lacks seq 3: the
    // first session sends 9 only, since the peer's two records look like
    // this side's two at or below 5.
    const mine = store({ alice: [3, 5, 9] })
    assert.deepEqual(names(missingFor(mine, summarise(mine), summarise(store({ alice: [2, 5] })))), ['alice#9'])
    // Seq 9 replaced seq 2 over there: same top, two records against three.
    const after = summarise(store({ alice: [5, 9] }))
    assert.deepEqual(names(missingFor(mine, summarise(mine), after)), ['alice#3', 'alice#5', 'alice#9'])
  })

  it('sends nothing of an issuer where the peer is ahead and holds at least as many records', () => {
    // The peer's newer records come the other way in the same session; a
    // gap below would show in the next one, as above.
    const mine = store({ alice: [1] })
    const theirs = summarise(store({ alice: [1, 2, 3] }))
    assert.deepEqual(missingFor(mine, summarise(mine), theirs), [])
  })
})
