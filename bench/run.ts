/**
 * `npm run bench`: run every benchmark script in this folder, one after
 * another (never in parallel, so they do not compete for the two cores),
 * each in its own Node process with --expose-gc.
 */
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const dir = fileURLToPath(new URL('.', import.meta.url))
const only = process.argv.slice(2)
const scripts = readdirSync(dir)
  .filter(name => name.endsWith('.ts') && !['run.ts', 'stats.ts'].includes(name))
  .filter(name => only.length === 0 || only.some(filter => name.includes(filter)))
  .sort()

let failed = 0
for (const script of scripts) {
  process.stdout.write(`\n# ${script}\n`)
  const result = spawnSync(process.execPath, ['--expose-gc', `${dir}${script}`], { stdio: 'inherit' })
  if (result.status !== 0) failed++
}
process.exitCode = failed === 0 ? 0 : 1
