/**
 * The frame every scenario runs in: build the network with progress, take
 * the baseline of traffic and resources, and assemble the result.
 */
import { buildNetwork } from '../core/build.ts'
import { PROCESS_POLL_INTERVAL } from '../processes/support.ts'
import { resourceMetrics } from './measure.ts'
import type { BuildInit, Built } from '../core/build.ts'
import type { Traffic } from '../core/links.ts'
import type { Mode, Resources } from '../core/network.ts'
import type { Check, ScenarioContext, ScenarioResult } from './types.ts'

export interface Session extends Built {
  context: ScenarioContext
  started: number
  traffic: Traffic
  resources: Resources
  /** Network time when the measured part began */
  t0: number
}

const MODE_LABELS: Record<Mode, string> = {
  libp2p: 'libp2p: real cell cores (libp2p, gossipsub, sync, DHT, TrustNode, mesh reconciler) in one process',
  model: 'model-level: real TrustStore/TrustEngine and signed envelopes, message passing in a discrete-event loop (no libp2p)',
  processes: `processes: real agent processes over loopback TCP, one per cell, observed through their API every ${PROCESS_POLL_INTERVAL} ms (times have that resolution); --latency/--jitter not applied`
}

export function modeLabel (mode: Mode): string {
  return MODE_LABELS[mode]
}

export async function openSession (context: ScenarioContext, init: BuildInit = {}): Promise<Session> {
  const started = Date.now()
  let phase = 'building cells'
  context.progress.phase(phase)
  const onProgress = (done: number, total: number, next = 'building cells'): void => {
    if (next !== phase) {
      context.progress.done()
      context.progress.phase(next)
      phase = next
    }
    context.progress.update(done, total)
  }
  const built = await buildNetwork(context.options, { ...init, onProgress })
  context.progress.done()
  return { ...built, context, started, traffic: built.network.links.totals(), resources: built.network.resources(), t0: built.network.now() }
}

/** Mark the start of the measured part. */
export function mark (session: Session): void {
  session.traffic = session.network.links.totals()
  session.t0 = session.network.now()
}

export async function closeSession (session: Session, result: Omit<ScenarioResult, 'label' | 'mode' | 'options' | 'startedAt' | 'durationMs' | 'networkTimeMs'> & { checks: Check[] }): Promise<ScenarioResult> {
  const { network, context } = session
  const resources = resourceMetrics(network, session.resources)
  const modeMetrics = network.modeMetrics?.() ?? {}
  const networkTimeMs = network.now() - session.t0
  await network.stop()
  return {
    ...result,
    metrics: { ...result.metrics, ...resources, ...modeMetrics },
    mode: context.options.mode,
    label: modeLabel(context.options.mode),
    options: context.options,
    startedAt: new Date(session.started).toISOString(),
    durationMs: Date.now() - session.started,
    networkTimeMs
  }
}

export function check (name: string, target: string, measured: string | number, pass: boolean): Check {
  return { name, target, measured: String(measured), pass }
}
