import assert from 'node:assert/strict'
import { pino } from 'pino'
import { ServiceBus } from '../../src/bus/service-bus.ts'
import type { ServiceManager } from '../../src/bus/manager.ts'

const silent = pino({ level: 'silent' })

function manager (name: string, dependencies: string[], journal: string[], options: { failStart?: boolean } = {}): ServiceManager {
  return {
    name,
    dependencies,
    start: async () => {
      if (options.failStart === true) throw new Error(`${name} cannot start`)
      journal.push(`start ${name}`)
    },
    stop: async () => { journal.push(`stop ${name}`) },
    status: () => ({ marker: name })
  }
}

describe('service bus', () => {
  it('starts in dependency order and stops in reverse', async () => {
    const journal: string[] = []
    const bus = new ServiceBus(silent)
    bus.register(manager('dns', ['trust'], journal))
    bus.register(manager('trust', ['p2p'], journal))
    bus.register(manager('p2p', [], journal))

    await bus.startAll()
    await bus.stopAll()
    assert.deepEqual(journal, ['start p2p', 'start trust', 'start dns', 'stop dns', 'stop trust', 'stop p2p'])
  })

  it('starts independent managers together, each only after its dependencies', async () => {
    const journal: string[] = []
    let releaseSlow!: () => void
    const slowStarted = new Promise<void>(resolve => { releaseSlow = resolve })
    const bus = new ServiceBus(silent)
    bus.register({ ...manager('vault', [], journal), start: async () => { journal.push('vault begins'); await slowStarted; journal.push('start vault') } })
    bus.register(manager('p2p', [], journal))
    bus.register({ ...manager('trust', ['p2p'], journal), start: async () => { journal.push('start trust'); releaseSlow() } })

    await bus.startAll()
    // p2p started while the vault was still busy; trust waited for p2p only.
    assert.ok(journal.indexOf('start p2p') < journal.indexOf('start vault'), journal.join(', '))
    assert.ok(journal.indexOf('start p2p') < journal.indexOf('start trust'), journal.join(', '))
    assert.equal(bus.info('vault').state, 'running')
  })

  it('contains a failing manager: it is failed, its dependents do not start, others run', async () => {
    const journal: string[] = []
    const bus = new ServiceBus(silent)
    bus.register(manager('p2p', [], journal))
    bus.register(manager('vault', [], journal, { failStart: true }))
    bus.register(manager('mail', ['vault'], journal))

    await bus.startAll()
    assert.equal(bus.info('p2p').state, 'running')
    assert.equal(bus.info('vault').state, 'failed')
    assert.match(bus.info('vault').error ?? '', /cannot start/)
    assert.equal(bus.info('mail').state, 'failed')
    assert.match(bus.info('mail').error ?? '', /dependency not running: vault/)
    assert.deepEqual(bus.events({ type: 'service:failed' }).map(event => (event.data as { service: string }).service), ['vault', 'mail'])
  })

  it('restarts a failed manager once it can start', async () => {
    const journal: string[] = []
    let broken = true
    const bus = new ServiceBus(silent)
    bus.register({ ...manager('vault', [], journal), start: async () => { if (broken) throw new Error('locked') } })
    await bus.startAll()
    assert.equal(bus.info('vault').state, 'failed')

    broken = false
    assert.equal((await bus.restart('vault')).state, 'running')
  })

  it('stops dependents before the service they depend on', async () => {
    const journal: string[] = []
    const bus = new ServiceBus(silent)
    bus.register(manager('p2p', [], journal))
    bus.register(manager('trust', ['p2p'], journal))
    await bus.startAll()
    journal.length = 0

    await bus.stop('p2p')
    assert.deepEqual(journal, ['stop trust', 'stop p2p'])
  })

  it('refuses a dependency cycle and an unknown dependency', async () => {
    const unknown = new ServiceBus(silent)
    unknown.register(manager('b', ['nope'], []))
    await assert.rejects(unknown.startAll(), { code: 'ERR_UNKNOWN_SERVICE' })

    const cyclic = new ServiceBus(silent)
    cyclic.register(manager('x', ['y'], []))
    cyclic.register(manager('y', ['x'], []))
    await assert.rejects(cyclic.startAll(), { code: 'ERR_DEPENDENCY_CYCLE' })
  })

  it('keeps a bounded event history', () => {
    const bus = new ServiceBus(silent)
    for (let i = 0; i < 1500; i++) bus.publish('peer:connected', { peer: String(i) })
    const events = bus.events({ limit: 5000 })
    assert.equal(events.length, 1000)
    assert.equal((events.at(-1)?.data as { peer: string }).peer, '1499')
  })
})
