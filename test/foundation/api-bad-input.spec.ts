/**
 * Hostile and malformed input against a real agent: every case gets a
 * clear 4xx JSON error, never a 5xx, and the config file on disk is byte
 * for byte what it was before.
 */
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { startAgent, stopAll } from '../fixtures/agent-process.ts'
import type { AgentHandle } from '../fixtures/agent-process.ts'

interface Case {
  name: string
  method: string
  path: string
  body?: unknown
  headers?: Record<string, string>
  status: number
  code: string
}

const cases: Case[] = [
  { name: 'malformed JSON', method: 'PUT', path: '/api/config', body: '{"api": ', status: 400, code: 'ERR_MALFORMED_JSON' },
  { name: 'JSON that is not an object', method: 'PUT', path: '/api/config', body: '[1,2]', status: 400, code: 'ERR_CONFIG_INVALID' },
  { name: 'wrong type', method: 'PUT', path: '/api/config', body: { api: { port: 'eighty' } }, status: 400, code: 'ERR_CONFIG_INVALID' },
  { name: 'out of range', method: 'PUT', path: '/api/config', body: { api: { port: 70000 } }, status: 400, code: 'ERR_CONFIG_INVALID' },
  { name: 'unknown key', method: 'PUT', path: '/api/config', body: { api: { prot: 1 } }, status: 400, code: 'ERR_CONFIG_INVALID' },
  { name: 'unknown section', method: 'PUT', path: '/api/config', body: { nonsense: {} }, status: 400, code: 'ERR_CONFIG_INVALID' },
  { name: 'prototype pollution', method: 'PUT', path: '/api/config', body: '{"__proto__": {"admin": true}, "api": {"port": 1}}', status: 400, code: 'ERR_MALFORMED_JSON' },
  { name: 'invalid cell name', method: 'PUT', path: '/api/config', body: { cell: { name: '../etc' } }, status: 400, code: 'ERR_CONFIG_INVALID' },
  { name: 'oversized body', method: 'PUT', path: '/api/config', body: JSON.stringify({ cell: { name: 'x'.repeat(400 * 1024) } }), status: 413, code: 'ERR_BODY_TOO_LARGE' },
  { name: 'import of garbage', method: 'POST', path: '/api/config/import', body: { p2p: { listen: 'not-a-list' } }, status: 400, code: 'ERR_CONFIG_INVALID' },
  { name: 'missing token', method: 'GET', path: '/api/config', headers: { authorization: '' }, status: 401, code: 'ERR_UNAUTHORIZED' },
  { name: 'wrong token', method: 'PUT', path: '/api/config', body: { cell: { name: 'x' } }, headers: { authorization: 'Bearer 00' }, status: 401, code: 'ERR_UNAUTHORIZED' },
  { name: 'malformed auth header', method: 'GET', path: '/api/identity', headers: { authorization: 'Basic abc' }, status: 401, code: 'ERR_UNAUTHORIZED' },
  { name: 'dot-dot backup id', method: 'POST', path: '/api/config/restore/..%2F..%2Fconfig', status: 400, code: 'ERR_INVALID_INPUT' },
  { name: 'dot-dot in a path', method: 'POST', path: '/api/config/restore/../../config', status: 405, code: 'ERR_METHOD_NOT_ALLOWED' },
  { name: 'unknown backup id', method: 'POST', path: '/api/config/restore/20990101T000000000Z-abcdef', status: 404, code: 'ERR_BACKUP_NOT_FOUND' },
  { name: 'slash in a service name', method: 'POST', path: '/api/services/bus/services/p2p%2F..%2Fx/start', status: 400, code: 'ERR_INVALID_INPUT' },
  { name: 'dot-dot service name', method: 'GET', path: '/api/logs/services/..%2F..%2Fetc', status: 400, code: 'ERR_INVALID_INPUT' },
  { name: 'unknown service', method: 'POST', path: '/api/services/bus/services/nosuch/start', status: 404, code: 'ERR_UNKNOWN_SERVICE' },
  { name: 'unknown action', method: 'POST', path: '/api/services/bus/services/p2p/explode', status: 400, code: 'ERR_INVALID_INPUT' },
  { name: 'bad query type', method: 'GET', path: '/api/services/bus/events?limit=lots', status: 400, code: 'ERR_INVALID_INPUT' },
  { name: 'unknown query key', method: 'GET', path: '/api/services/bus/events?evil=1', status: 400, code: 'ERR_INVALID_INPUT' },
  { name: 'bad log search', method: 'POST', path: '/api/logs/search', body: { level: 'loud', limit: 10 }, status: 400, code: 'ERR_INVALID_INPUT' },
  { name: 'multiaddr without peer id', method: 'POST', path: '/api/peers/connect', body: { multiaddr: '/ip4/127.0.0.1/tcp/1' }, status: 400, code: 'ERR_INVALID_INPUT' },
  { name: 'garbage multiaddr', method: 'POST', path: '/api/peers/connect', body: { multiaddr: '/nope/x' }, status: 400, code: 'ERR_INVALID_INPUT' },
  { name: 'unknown route', method: 'GET', path: '/api/does-not-exist', status: 404, code: 'ERR_NO_ROUTE' },
  { name: 'a repeated scope', method: 'POST', path: '/api/trust/attestations', body: { cell: '12D3KooWRBy97UB99e3J6hiPesre1MZeuNQvfan4gBziswrRJsNK', scopes: ['mesh', 'mesh'] }, status: 400, code: 'ERR_INVALID_INPUT' },
  { name: 'a repeated invite scope', method: 'POST', path: '/api/trust/invites', body: { scopes: ['dns', 'dns'] }, status: 400, code: 'ERR_INVALID_INPUT' },
  { name: 'an unknown trust level', method: 'POST', path: '/api/trust/attestations', body: { cell: '12D3KooWRBy97UB99e3J6hiPesre1MZeuNQvfan4gBziswrRJsNK', level: 'total' }, status: 400, code: 'ERR_INVALID_INPUT' },
  { name: 'a bad duration', method: 'POST', path: '/api/trust/invites', body: { expires: 'tomorrow' }, status: 400, code: 'ERR_INVALID_INPUT' },
  { name: 'a name no cell carries', method: 'POST', path: '/api/trust/revoke', body: { cell: 'nobody' }, status: 404, code: 'ERR_NOT_FOUND' },
  { name: 'a garbage invite token', method: 'POST', path: '/api/trust/join', body: { token: 'pic1AAAAAAAAAAAAAAAA' }, status: 400, code: 'ERR_INVALID_INPUT' },
  { name: 'a fingerprint of the wrong cell', method: 'POST', path: '/api/trust/verify', body: { cell: '12D3KooWRBy97UB99e3J6hiPesre1MZeuNQvfan4gBziswrRJsNK', fingerprint: '0000-0000-0000-0000-0000' }, status: 400, code: 'ERR_INVALID_INPUT' }
]

describe('API bad input', function () {
  this.timeout(60_000)
  let agent: AgentHandle
  let configBefore: string

  before(async () => {
    agent = await startAgent()
    configBefore = await readFile(join(agent.dataDir, 'config.json'), 'utf8')
  })

  after(async () => { await stopAll() })

  for (const testCase of cases) {
    it(`answers ${testCase.status} ${testCase.code} to ${testCase.name}`, async () => {
      const { status, body } = await agent.api(testCase.method, testCase.path, testCase.body, testCase.headers)
      assert.equal(status, testCase.status, JSON.stringify(body))
      assert.equal(body.error.code, testCase.code)
      assert.equal(typeof body.error.message, 'string')
      assert.ok(body.error.message.length > 0)
    })
  }

  it('left the config file untouched and the agent healthy', async () => {
    assert.equal(await readFile(join(agent.dataDir, 'config.json'), 'utf8'), configBefore)
    const health = await fetch(`${agent.url}/health`)
    assert.equal(health.status, 200)
  })

  it('refuses attesting or revoking the cell itself with a 400', async () => {
    const self = await agent.cellId()
    for (const [method, path, body] of [
      ['POST', '/api/trust/attestations', { cell: self }],
      ['POST', '/api/trust/revoke', { cell: self }],
      ['POST', '/api/vault/trust/keys', { cell: self }],
      ['DELETE', `/api/vault/trust/keys/${self}`, undefined]
    ] as const) {
      const { status, body: answer } = await agent.api(method, path, body)
      assert.equal(status, 400, `${method} ${path}: ${JSON.stringify(answer)}`)
      assert.match(answer.error.message, /this cell itself/)
    }
  })

  it('names the offending key in the message', async () => {
    const { body } = await agent.api('PUT', '/api/config', { api: { prot: 1 } })
    assert.match(body.error.message, /api\.prot/)
  })
})
