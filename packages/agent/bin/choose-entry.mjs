// Pick what to load: the bundle in dist/ when it is newer than every source
// file it was built from, else the TypeScript sources. Plain JavaScript, so
// it runs before any TypeScript is loaded.
import { readdirSync, statSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const packages = fileURLToPath(new URL('../..', import.meta.url))
const bundle = fileURLToPath(new URL('../dist/cell-agent.mjs', import.meta.url))
const SOURCES = ['agent', 'trust', 'mesh', 'services'].flatMap(name => [`${packages}${name}/src`, `${packages}${name}/package.json`])

function newestMtime (path) {
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  let newest = stat.mtimeMs
  for (const entry of readdirSync(path)) {
    newest = Math.max(newest, newestMtime(`${path}/${entry}`))
  }
  return newest
}

/** URL of the module that exports the agent's `main`. */
export function agentEntry () {
  if (process.env.CELL_FROM_SOURCES === '1') return '../src/main.ts'
  try {
    const built = statSync(bundle).mtimeMs
    const fresh = SOURCES.every(path => newestMtime(path) <= built)
    return fresh ? '../dist/cell-agent.mjs' : '../src/main.ts'
  } catch {
    return '../src/main.ts'
  }
}
