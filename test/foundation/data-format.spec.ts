/**
 * The data directory's layout version (`format.json`): written on the first
 * start, added to a directory from before it existed, and a directory of
 * a newer format, or with a damaged marker, refused with the reason and
 * left exactly as it was.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { readFile, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { AGENT_BIN, startAgent, stopAll, tempDataDir } from '../fixtures/agent-process.ts'

/** Run the agent on `dataDir` and expect it to exit; resolves to its exit code and stderr. */
async function agentExit (dataDir: string): Promise<{ code: number, stderr: string }> {
  return new Promise(resolve => {
    execFile(process.execPath, [AGENT_BIN, '--data-dir', dataDir, '--api', '127.0.0.1:0', '--listen', '/ip4/127.0.0.1/tcp/0', '--dns', '127.0.0.1:0', '--no-mdns', '--quiet'],
      { timeout: 20_000 }, (err, _stdout, stderr) => {
        resolve({ code: err == null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1, stderr })
      })
  })
}

/** Every file under `dir` with its size and modification time, to show nothing was touched. */
async function snapshot (dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true })
  return Promise.all(entries.sort().map(async entry => {
    const info = await stat(join(dir, entry))
    return `${entry} ${info.isFile() ? info.size : 'dir'} ${info.mtimeMs}`
  }))
}

describe('data directory format', function () {
  this.timeout(60_000)

  after(async () => { await stopAll() })

  it('writes format 1 on the first start and keeps it across a restart', async () => {
    const agent = await startAgent()
    const written = JSON.parse(await readFile(join(agent.dataDir, 'format.json'), 'utf8'))
    assert.equal(written.format, 1)
    assert.match(written.writtenBy, /^\d+\.\d+\.\d+/)

    const id = await agent.cellId()
    await agent.stop()
    const again = await startAgent({ dataDir: agent.dataDir })
    assert.equal(await again.cellId(), id)
    await again.stop()
  })

  it('adds the marker to a directory from before it existed, keeping the cell', async () => {
    const agent = await startAgent()
    const id = await agent.cellId()
    await agent.stop()
    await rm(join(agent.dataDir, 'format.json'))

    const again = await startAgent({ dataDir: agent.dataDir })
    assert.equal(await again.cellId(), id)
    assert.equal(JSON.parse(await readFile(join(agent.dataDir, 'format.json'), 'utf8')).format, 1)
    await again.stop()
  })

  it('refuses a directory of a newer format, saying what to do, and changes nothing', async () => {
    const agent = await startAgent()
    await agent.stop()
    const dataDir = agent.dataDir
    await writeFile(join(dataDir, 'format.json'), JSON.stringify({ format: 7, writtenBy: '9.0.0' }))
    await rm(join(dataDir, 'api.json'), { force: true })
    const before = await snapshot(dataDir)

    const result = await agentExit(dataDir)
    assert.notEqual(result.code, 0)
    assert.match(result.stderr, /format 7 \(written by agent 9\.0\.0\); this agent \([^)]+\) reads format 1 at most/)
    assert.match(result.stderr, /Nothing was changed/)
    assert.deepEqual(await snapshot(dataDir), before)
  })

  it('refuses a damaged marker with the reason, and creates nothing in an otherwise empty directory', async () => {
    const dataDir = await tempDataDir('damaged')
    await writeFile(join(dataDir, 'format.json'), '{"format": "one"')

    const result = await agentExit(dataDir)
    assert.notEqual(result.code, 0)
    assert.match(result.stderr, /format\.json is damaged/)
    assert.deepEqual(await readdir(dataDir), ['format.json'])
  })
})
