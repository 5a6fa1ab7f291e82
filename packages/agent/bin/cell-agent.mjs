#!/usr/bin/env node
// Entry point of the agent process. Plain JavaScript so that an older Node
// can still print a clear message instead of a syntax error.
const [major] = process.versions.node.split('.').map(Number)
if (major < 22) {
  process.stderr.write(`cell-agent needs Node.js 22 or newer (this is ${process.version}). ` +
    'Run it through "npm start" or "npx cell" in the project, which use the Node 24 that npm install provides.\n')
  process.exit(1)
}

// Cache compiled code on disk (Node 22.1+): a restarted cell skips most of
// the parse and compile work of its dependencies.
const { enableCompileCache } = await import('node:module')
enableCompileCache?.()

// A fresh bundle of the sources when there is one (see
// scripts/bundle-agent.mjs); the TypeScript sources otherwise.
const { agentEntry } = await import('./choose-entry.mjs')
const entry = agentEntry()
process.env.CELL_AGENT_ENTRY = entry.endsWith('.mjs') ? 'bundle' : 'sources'
const { main } = await import(entry)
main().catch(err => {
  process.stderr.write(`cell-agent: ${err?.message ?? err}\n`)
  process.exit(typeof err?.status === 'number' && err.status === 2 ? 2 : 1)
})
