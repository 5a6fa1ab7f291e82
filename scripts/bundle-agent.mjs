// Bundle the agent into one ES module, packages/agent/dist/cell-agent.mjs.
//
// The bundle is only a start-up cache of the TypeScript sources: loading
// hundreds of modules and stripping their types takes a cell about three
// times longer, and 50 MB more memory, than loading one file. The agent's
// entry point uses the bundle only while it is newer than every source
// file (see packages/agent/bin/cell-agent.mjs), so editing a source never
// runs stale code. Run by `npm install` (postinstall) and `npm run build`;
// a failure here only costs start-up time, so it never fails the install.
import { mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const outfile = `${root}packages/agent/dist/cell-agent.mjs`

try {
  const { build } = await import('esbuild')
  await mkdir(`${root}packages/agent/dist`, { recursive: true })
  await build({
    entryPoints: [`${root}packages/agent/src/main.ts`],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    // Native addon: must be loaded from node_modules at run time.
    external: ['classic-level'],
    // CommonJS dependencies call require(); give the ES bundle one.
    banner: { js: "import { createRequire as __cellRequire } from 'node:module'; const require = __cellRequire(import.meta.url);" },
    legalComments: 'none',
    // Whitespace and syntax only: V8 keeps the source of lazily compiled
    // functions in memory, so a smaller text is about 10 MB less resident
    // memory; names stay, so stack traces stay readable.
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'warning'
  })
  process.stdout.write(`bundled the agent into ${outfile}\n`)
} catch (err) {
  process.stderr.write(`note: could not bundle the agent (${err.message}); cells will start from the TypeScript sources, only more slowly\n`)
}
