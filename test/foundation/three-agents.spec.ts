/**
 * Three agents as three OS processes on loopback: B and C bootstrap to A,
 * and each one's `cell peers --json` soon lists the other two (B and C
 * find each other through the DHT, not through configuration).
 */
import assert from 'node:assert/strict'
import { startAgent, stopAll } from '../fixtures/agent-process.ts'
import { waitFor } from '../fixtures/wait.ts'
import type { AgentHandle } from '../fixtures/agent-process.ts'

describe('three agents on loopback', function () {
  this.timeout(60_000)
  let agents: AgentHandle[] = []

  after(async () => { await stopAll() })

  it('discover each other from one bootstrap address', async () => {
    const a = await startAgent()
    const [bootstrap] = await a.multiaddrs()
    const [b, c] = await Promise.all([startAgent({ bootstrap: [bootstrap] }), startAgent({ bootstrap: [bootstrap] })])
    agents = [a, b, c]
    const ids = await Promise.all(agents.map(async agent => agent.cellId()))

    for (const [i, agent] of agents.entries()) {
      const others = ids.filter((_, j) => j !== i).sort()
      await waitFor(async () => {
        const result = await agent.cli(['peers', '--json'])
        assert.equal(result.code, 0, result.stderr)
        const peers = (JSON.parse(result.stdout) as Array<{ peerId: string }>).map(peer => peer.peerId)
        return others.every(id => peers.includes(id)) ? peers : undefined
      }, { timeout: 15_000, what: `agent ${i} to list the other two` })
    }
  })

  it('stops each agent cleanly on SIGTERM with exit code 0', async () => {
    for (const agent of agents) {
      assert.equal(await agent.stop(), 0, agent.stderr())
    }
  })
})
