/**
 * docs/openapi.yaml must describe exactly the routes the agent registers,
 * with the right authentication, and stay a well-formed OpenAPI 3.1
 * document. A route added without its documentation fails here.
 */
import assert from 'node:assert/strict'
import { configSchema } from '../../packages/agent/src/config/schema.ts'
import { danglingRefs, deref, isObject, loadOpenApi, operations } from './openapi-document.ts'
import { registeredRoutes } from './registered-routes.ts'
import type { JsonObject } from './openapi-document.ts'

function key (route: { method: string, path: string }): string {
  return `${route.method.toUpperCase()} ${route.path}`
}

function difference (a: Set<string>, b: Set<string>): string[] {
  return [...a].filter(item => !b.has(item)).sort()
}

describe('docs/openapi.yaml', () => {
  const document = loadOpenApi()
  const documented = operations(document)
  const routes = registeredRoutes()

  it('is an OpenAPI 3.1 document with info, paths and operations', () => {
    assert.match(String(document.openapi), /^3\.1\.\d+$/)
    assert.ok(isObject(document.info), 'info is missing')
    assert.equal(typeof document.info.title, 'string')
    assert.equal(typeof document.info.version, 'string')
    assert.ok(documented.length > 0, 'paths holds no operation')
    for (const { method, path, operation } of documented) {
      assert.ok(isObject(operation.responses) && Object.keys(operation.responses).length > 0, `${method} ${path} has no responses`)
    }
  })

  it('gives every operation its own operationId', () => {
    const ids = documented.map(({ operation }) => operation.operationId)
    assert.ok(ids.every(id => typeof id === 'string' && id !== ''), 'an operation has no operationId')
    assert.deepEqual(ids.filter((id, index) => ids.indexOf(id) !== index), [])
  })

  it('resolves every $ref inside the document', () => {
    assert.deepEqual(danglingRefs(document), [])
  })

  it('finds the routes it checks (the router walk still works)', () => {
    assert.ok(routes.some(route => route.path === '/health' && route.public), 'GET /health not found as a public route')
    assert.ok(routes.some(route => route.path === '/api/identity' && !route.public), 'GET /api/identity not found')
  })

  it('documents exactly the registered routes', () => {
    const registered = new Set(routes.map(key))
    const inDocs = new Set(documented.map(key))
    const undocumented = difference(registered, inDocs)
    const stale = difference(inDocs, registered)
    assert.deepEqual({ undocumented, stale }, { undocumented: [], stale: [] },
      'docs/openapi.yaml and the routes in packages/agent/src/api/routes differ')
  })

  it('marks public routes with empty security and every /api route with bearerAuth', () => {
    const globalSecurity = document.security
    const publicRoutes = new Set(routes.filter(route => route.public).map(key))
    for (const { method, path, operation } of documented) {
      const security = operation.security ?? globalSecurity
      if (publicRoutes.has(key({ method, path }))) {
        assert.deepEqual(security, [], `${method} ${path} is public but documented with security`)
      } else {
        assert.ok(Array.isArray(security) && security.some(item => isObject(item) && 'bearerAuth' in item),
          `${method} ${path} needs the bearer token but is not documented with bearerAuth`)
        assert.ok(isObject(operation.responses) && '401' in operation.responses, `${method} ${path} lacks its 401 response`)
      }
    }
    const schemes = isObject(document.components) ? document.components.securitySchemes : undefined
    assert.ok(isObject(schemes) && isObject(schemes.bearerAuth), 'components.securitySchemes.bearerAuth is missing')
    assert.equal(schemes.bearerAuth.scheme, 'bearer')
  })

  it('declares every path parameter of every operation', () => {
    for (const { method, path, operation, pathParameters } of documented) {
      const declared = [...pathParameters, ...(Array.isArray(operation.parameters) ? operation.parameters : [])]
        .map(parameter => deref(document, parameter))
        .filter((parameter): parameter is JsonObject => isObject(parameter) && parameter.in === 'path')
        .map(parameter => String(parameter.name))
        .sort()
      const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map(match => match[1]).sort()
      assert.deepEqual(declared, inPath, `${method} ${path}: path parameters`)
    }
  })

  it('describes the error body every 4xx and 5xx answer uses', () => {
    for (const { method, path, operation } of documented) {
      for (const [status, response] of Object.entries(operation.responses as JsonObject)) {
        if (Number(status) < 400) continue
        const content = deref(document, response)
        const schema = isObject(content) && isObject(content.content) && isObject(content.content['application/json'])
          ? content.content['application/json'].schema
          : undefined
        assert.deepEqual(schema, { $ref: '#/components/schemas/Error' }, `${method} ${path} ${status} must use the Error schema`)
      }
    }
  })

  it('lists the config sections the config schema has', () => {
    const config = isObject(document.components) && isObject(document.components.schemas) ? document.components.schemas.Config : undefined
    assert.ok(isObject(config) && isObject(config.properties), 'components.schemas.Config.properties is missing')
    assert.deepEqual(Object.keys(config.properties).sort(), Object.keys(configSchema.shape).sort())
  })
})
