/**
 * Records a cell issues at the same moment (several API calls at once, as
 * a script or the simulation's set-up makes them) each get their own seq:
 * none is refused as a seq conflict, and every one is stored.
 */
import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { startAgent, stopAll } from '../fixtures/agent-process.ts'

const CONCURRENT = 20

describe('attestations issued at the same moment', function () {
  this.timeout(60_000)

  after(async () => { await stopAll() })

  it('stores every one, each with its own seq', async () => {
    const agent = await startAgent()
    const self = await agent.cellId()
    const subjects = await Promise.all(Array.from({ length: CONCURRENT }, async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()))

    const answers = await Promise.all(subjects.map(async cell => await agent.api('POST', '/api/trust/attestations', { cell })))
    for (const answer of answers) assert.ok(answer.status >= 200 && answer.status < 300, `attestation answered ${answer.status}: ${JSON.stringify(answer.body)}`)

    const { body } = await agent.api('GET', '/api/trust/attestations')
    const mine = (body.attestations as Array<{ issuer: string, subject: string, seq: number }>).filter(a => a.issuer === self && subjects.includes(a.subject))
    assert.equal(mine.length, CONCURRENT)
    assert.equal(new Set(mine.map(a => a.seq)).size, CONCURRENT, 'every attestation has its own seq')
  })
})
