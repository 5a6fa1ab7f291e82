/**
 * What the CA exchange decides from trust views, held CAs and fetch state:
 * exact scopes, removal, refetch on a new peer record, backoff, and CAs
 * held across a restart.
 */
import assert from 'node:assert/strict'
import { desiredScopes, planPeerCas } from '../../src/services/ca-exchange-plan.ts'
import type { FetchState, PlanInput } from '../../src/services/ca-exchange-plan.ts'
import type { PeerCa } from '@cell/services'
import type { Scope } from '@cell/trust'

const NOW = 1_000_000

function held (cellId: string, scopes: string[]): PeerCa {
  return { cellId, caPem: `pem of ${cellId}`, fingerprint: 'AA', scopes, acceptedAt: new Date(0), notAfter: new Date(NOW * 10) }
}

function input (views: Partial<Record<Scope, string[]>>, options: Partial<PlanInput> = {}): PlanInput {
  return {
    views: new Map(Object.entries(views) as Array<[Scope, string[]]>),
    accepted: [],
    fetched: new Map(),
    seqOf: () => 7,
    now: NOW,
    ...options
  }
}

describe('CA exchange plan', () => {
  it('maps each trusted cell to the sorted scopes of the views that hold it', () => {
    const desired = desiredScopes(new Map([['mesh', ['b', 'c']], ['files', ['b']], ['mail', []]]))
    assert.deepEqual([...desired], [['b', ['files', 'mesh']], ['c', ['mesh']]])
  })

  it('fetches a CA it lacks and removes the CA of a cell trusted for nothing', () => {
    const plan = planPeerCas(input({ mesh: ['b'] }, { accepted: [held('gone', ['mesh'])], fetched: new Map([['gone', { seq: 1, failures: 0, retryAt: 0 }]]) }))
    assert.deepEqual(plan.fetch, [{ cellId: 'b', scopes: ['mesh'], seq: 7 }])
    assert.deepEqual(plan.remove, ['gone'])
    assert.deepEqual(plan.forget, ['gone'])
  })

  it('re-accepts a current CA when only its scopes changed', () => {
    const plan = planPeerCas(input({ mesh: ['b'] }, { accepted: [held('b', ['files', 'mesh'])], fetched: new Map([['b', { seq: 7, failures: 0, retryAt: 0 }]]) }))
    assert.deepEqual(plan.fetch, [])
    assert.deepEqual(plan.rescope, [{ cellId: 'b', caPem: 'pem of b', scopes: ['mesh'] }])
  })

  it('refetches when the peer record seq changed, keeping the held CA to the current scopes meanwhile', () => {
    const plan = planPeerCas(input({ mesh: ['b'] }, { accepted: [held('b', ['files', 'mesh'])], fetched: new Map([['b', { seq: 6, failures: 0, retryAt: 0 }]]) }))
    assert.deepEqual(plan.fetch, [{ cellId: 'b', scopes: ['mesh'], seq: 7 }])
    assert.deepEqual(plan.rescope.map(entry => entry.scopes), [['mesh']])
  })

  it('waits out the backoff of a failed fetch', () => {
    const failed: FetchState = { failures: 2, retryAt: NOW + 1, error: 'unreachable' }
    assert.deepEqual(planPeerCas(input({ mesh: ['b'] }, { fetched: new Map([['b', failed]]) })).fetch, [])
    assert.equal(planPeerCas(input({ mesh: ['b'] }, { fetched: new Map([['b', failed]]), now: NOW + 1 })).fetch.length, 1)
  })

  it('adopts a CA held from before a restart instead of fetching it again', () => {
    const plan = planPeerCas(input({ mesh: ['b'] }, { accepted: [held('b', ['mesh'])] }))
    assert.deepEqual(plan.adopt, [{ cellId: 'b', seq: 7 }])
    assert.deepEqual(plan.fetch, [])
    assert.deepEqual(plan.rescope, [])
  })
})
