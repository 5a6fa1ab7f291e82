/**
 * docs/errors.md must list exactly the error codes the agent can produce:
 * the classes in errors.ts (with their HTTP status), the codes the API
 * layer writes itself (error-handler.ts and the route files), and any
 * other CellError the agent raises with a code of its own.
 */
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as agentErrors from '../../packages/agent/src/errors.ts'

const AGENT_SRC = fileURLToPath(new URL('../../packages/agent/src/', import.meta.url))
const ERRORS_DOC = fileURLToPath(new URL('../../docs/errors.md', import.meta.url))
const CODE = /'(ERR_[A-Z0-9_]+)'/g

interface DocRow {
  code: string
  status: string
}

function sourceFiles (dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter(entry => entry.isFile() && entry.name.endsWith('.ts'))
    .map(entry => join(entry.parentPath, entry.name))
}

function literalCodes (source: string): string[] {
  return [...source.matchAll(CODE)].map(match => match[1])
}

/** Static `code` of every exported class in errors.ts, with its status when it can be built. */
function errorClasses (): Map<string, number | undefined> {
  const found = new Map<string, number | undefined>()
  for (const value of Object.values(agentErrors)) {
    if (typeof value !== 'function') continue
    const code = (value as { code?: unknown }).code
    if (typeof code !== 'string') continue
    found.set(code, statusOf(value as new (...args: unknown[]) => agentErrors.CellError))
  }
  return found
}

// Constructors take a message, a name or a list of issues; one of these
// argument shapes builds each of them, which is all the status needs.
function statusOf (ErrorClass: new (...args: unknown[]) => agentErrors.CellError): number | undefined {
  for (const args of [['x', 'x'], [[], 'x']]) {
    try {
      return new ErrorClass(...args).status
    } catch {
      // Try the next argument shape.
    }
  }
  return undefined
}

/** Codes of CellErrors raised elsewhere in the agent (subclasses, `new CellError(..., 'ERR_X')`). */
function otherCellErrorCodes (): string[] {
  const codes: string[] = []
  for (const file of sourceFiles(AGENT_SRC)) {
    const source = readFileSync(file, 'utf8')
    for (const match of source.matchAll(/class \w+ extends CellError[\s\S]*?static readonly code = '(ERR_[A-Z0-9_]+)'/g)) {
      codes.push(match[1])
    }
    for (const match of source.matchAll(/new CellError\([\s\S]{0,400}?'(ERR_[A-Z0-9_]+)'/g)) {
      codes.push(match[1])
    }
  }
  return codes
}

/**
 * Codes the API layer writes itself: string literals in the route files,
 * and every code named in error-handler.ts, where library codes are also
 * unquoted keys of its status table.
 */
function apiLayerCodes (): string[] {
  const handler = readFileSync(join(AGENT_SRC, 'api/error-handler.ts'), 'utf8')
  const routes = sourceFiles(join(AGENT_SRC, 'api/routes')).flatMap(file => literalCodes(readFileSync(file, 'utf8')))
  return [...[...handler.matchAll(/\bERR_[A-Z0-9_]+\b/g)].map(match => match[0]), ...routes]
}

/** Table rows whose first cell is a code: `| \`ERR_X\` | 404 | ... |`. */
function documentedRows (): DocRow[] {
  const rows: DocRow[] = []
  for (const line of readFileSync(ERRORS_DOC, 'utf8').split('\n')) {
    const match = /^\|\s*`(ERR_[A-Z0-9_]+)`\s*\|\s*([^|]*?)\s*\|/.exec(line)
    if (match != null) rows.push({ code: match[1], status: match[2] })
  }
  return rows
}

describe('docs/errors.md', () => {
  const classes = errorClasses()
  const expected = new Set([...classes.keys(), ...apiLayerCodes(), ...otherCellErrorCodes()])
  const rows = documentedRows()

  it('finds the codes it checks', () => {
    assert.ok(classes.has('ERR_INVALID_INPUT'), 'no static code read from errors.ts')
    assert.ok(expected.has('ERR_NO_ROUTE'), 'no literal code read from error-handler.ts')
  })

  it('lists every code once', () => {
    const seen = new Set<string>()
    const duplicates = rows.map(row => row.code).filter(code => seen.size === seen.add(code).size)
    assert.deepEqual(duplicates, [])
  })

  it('lists exactly the codes the agent can produce', () => {
    const listed = new Set(rows.map(row => row.code))
    const missing = [...expected].filter(code => !listed.has(code)).sort()
    const unknown = [...listed].filter(code => !expected.has(code)).sort()
    assert.deepEqual({ missing, unknown }, { missing: [], unknown: [] }, 'docs/errors.md and the code disagree')
  })

  it('gives each errors.ts class the HTTP status it really has', () => {
    for (const row of rows) {
      const status = classes.get(row.code)
      if (status == null) continue
      assert.equal(row.status, String(status), `${row.code}: docs say ${row.status}, the class answers ${status}`)
    }
  })
})
