/**
 * docs/openapi.yaml, parsed, with the helpers the docs tests need: list the
 * operations, follow local `$ref`s, and find references that go nowhere.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

export const OPENAPI_FILE = fileURLToPath(new URL('../../docs/openapi.yaml', import.meta.url))

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const

export type JsonObject = Record<string, unknown>

export interface Operation {
  method: string
  path: string
  operation: JsonObject
  /** Path-level parameters shared by every method of the path */
  pathParameters: unknown[]
}

export function isObject (value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function loadOpenApi (): JsonObject {
  const document: unknown = parse(readFileSync(OPENAPI_FILE, 'utf8'))
  if (!isObject(document)) throw new Error(`${OPENAPI_FILE} is not a YAML mapping`)
  return document
}

export function operations (document: JsonObject): Operation[] {
  const found: Operation[] = []
  for (const [path, item] of Object.entries(isObject(document.paths) ? document.paths : {})) {
    if (!isObject(item)) continue
    const pathParameters = Array.isArray(item.parameters) ? item.parameters : []
    for (const method of HTTP_METHODS) {
      const operation = item[method]
      if (isObject(operation)) found.push({ method, path, operation, pathParameters })
    }
  }
  return found
}

/** Follow a local JSON pointer (`#/components/schemas/Error`, RFC 6901). */
export function resolvePointer (document: JsonObject, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined
  let node: unknown = document
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    if (!isObject(node) && !Array.isArray(node)) return undefined
    node = (node as Record<string, unknown>)[key]
  }
  return node
}

/** The object itself, or what its `$ref` points at. */
export function deref (document: JsonObject, value: unknown): unknown {
  return isObject(value) && typeof value.$ref === 'string' ? resolvePointer(document, value.$ref) : value
}

/** Every `$ref` in the document that does not resolve inside it. */
export function danglingRefs (document: JsonObject): string[] {
  const dangling: string[] = []
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit)
    } else if (isObject(node)) {
      if (typeof node.$ref === 'string' && resolvePointer(document, node.$ref) === undefined) dangling.push(node.$ref)
      Object.values(node).forEach(visit)
    }
  }
  visit(document)
  return dangling
}
