#!/usr/bin/env node
// Entry point of the `cell` command. Plain JavaScript so that an older Node
// can still print a clear message instead of a syntax error.
const [major] = process.versions.node.split('.').map(Number)
if (major < 22) {
  process.stderr.write(`cell needs Node.js 22 or newer (this is ${process.version}). ` +
    'Run it as "npx cell" in the project, which uses the Node 24 that npm install provides.\n')
  process.exit(1)
}

// Cache compiled code on disk (Node 22.1+): a restarted cell skips most of
// the parse and compile work of its dependencies.
const { enableCompileCache } = await import('node:module')
enableCompileCache?.()

// `cell ... | head` closes the pipe early; that is not an error.
process.stdout.on('error', err => { if (err.code === 'EPIPE') process.exit(0); throw err })

// `cell start` only hands its arguments to the agent, which parses them
// itself; skipping the CLI's own modules saves a few hundred milliseconds
// of every cell's start-up.
const args = process.argv.slice(2)
const command = args[0] === '--data-dir' ? 2 : args[0]?.startsWith('--data-dir=') === true ? 1 : 0
if (args[command] === 'start' && !args.includes('--help') && !args.includes('-h')) {
  const { runAgent } = await import('./run-agent.mjs')
  process.exitCode = await runAgent([...args.slice(0, command), ...args.slice(command + 1)])
} else {
  const { run } = await import('../src/main.ts')
  process.exitCode = await run(process.argv)
}
