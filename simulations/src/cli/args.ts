/**
 * Command-line options: node:util parseArgs for the syntax, zod for the
 * values, so `--cells abc` fails with a message naming the option.
 */
import { parseArgs } from 'node:util'
import { z } from 'zod'
import {
  DEFAULT_ATTACK_EDGES, DEFAULT_ATTACKERS, DEFAULT_CELLS, DEFAULT_CHURN, DEFAULT_DEGREE, DEFAULT_JITTER, DEFAULT_LATENCY, DEFAULT_MAX_DEPTH,
  DEFAULT_SEED, DEFAULT_SPAM_RECORDS, DEFAULT_SYBILS, SECOND
} from '../constants.ts'
import { TOPOLOGIES } from '../core/topology.ts'
import { InvalidOptionError } from '../errors.ts'
import type { SimOptions } from '../core/options.ts'

export const USAGE = `Usage: npm run sim -- --scenario <name> [options]

  --scenario NAME        propagation | revocation | sybil | join | partition | churn | spam | eclipse
  --cells N              honest cells (default ${DEFAULT_CELLS})
  --seed S               seed of topology, keys and schedule (default ${DEFAULT_SEED})
  --latency 25ms         one-way link latency (default ${DEFAULT_LATENCY}ms)
  --jitter 10%           uniform jitter around the latency (default ${DEFAULT_JITTER * 100}%)
  --degree D             connections and trust edges per cell (default ${DEFAULT_DEGREE})
  --topology KIND        ${TOPOLOGIES.join(' | ')} (default random-regular)
  --mode MODE            libp2p (real cell cores) | model (discrete-event model) |
                         processes (one real agent process per cell over loopback TCP, up to a
                         few dozen; propagation and revocation only) (default libp2p)
  --processes            the same as --mode processes
  --max-depth N          maxDepth of the cells' attestations (default ${DEFAULT_MAX_DEPTH})
  --sync-interval 30s    periodic anti-entropy sync per cell (default 30s; 0 = on connect only)
  --dht client|server    libp2p and processes modes: DHT role of the cells (default
                         client: two cores cannot carry hundreds of DHT servers'
                         upkeep; see README)
  --transport memory|tcp libp2p mode: simulated links (default) or loopback TCP, where
                         --latency/--jitter do not apply and links cannot be cut
                         (propagation, revocation, sybil and spam only)
  --sybils M             Sybil identities (sybil scenario, default ${DEFAULT_SYBILS})
  --attack-edges K       attack edges (sybil scenario, default ${DEFAULT_ATTACK_EDGES})
  --attackers N          attacker cells (spam, eclipse; default ${DEFAULT_ATTACKERS})
  --spam N               records each spam attacker floods (default ${DEFAULT_SPAM_RECORDS})
  --churn 30%            share of cells that go offline (churn, default ${DEFAULT_CHURN * 100}%)
  --out DIR              write report.json, report.md and SVG plots to DIR
  --no-progress          no progress bar on stderr
`

const duration = z.string().regex(/^\d+(\.\d+)?(ms|s)?$/, 'expected a duration like 25ms or 2s')
  .transform(value => value.endsWith('ms') ? Number(value.slice(0, -2)) : value.endsWith('s') ? Number(value.slice(0, -1)) * SECOND : Number(value))
const share = z.string().regex(/^\d+(\.\d+)?%?$/, 'expected a share like 10%')
  .transform(value => value.endsWith('%') ? Number(value.slice(0, -1)) / 100 : Number(value))
const count = (min: number, max: number) => z.string().regex(/^\d+$/, 'expected a whole number').transform(Number).pipe(z.number().min(min).max(max))

const schema = z.object({
  scenario: z.string().min(1, 'is required'),
  cells: count(2, 100_000),
  seed: count(0, 2 ** 32 - 1),
  latency: duration,
  jitter: share,
  degree: count(1, 64),
  topology: z.enum(TOPOLOGIES),
  mode: z.enum(['libp2p', 'model', 'processes']),
  'max-depth': count(0, 4),
  'sync-interval': duration,
  dht: z.enum(['client', 'server']),
  transport: z.enum(['memory', 'tcp']),
  sybils: count(0, 1_000_000),
  'attack-edges': count(0, 1000),
  attackers: count(0, 1000),
  spam: count(0, 1_000_000),
  churn: share.pipe(z.number().gt(0).lt(1)),
  out: z.string().optional(),
  progress: z.boolean()
}).strict()

/** Defaults, as the command line would spell them. */
const DEFAULTS = {
  cells: String(DEFAULT_CELLS),
  seed: String(DEFAULT_SEED),
  latency: `${DEFAULT_LATENCY}ms`,
  jitter: String(DEFAULT_JITTER),
  degree: String(DEFAULT_DEGREE),
  topology: 'random-regular',
  mode: 'libp2p',
  'max-depth': String(DEFAULT_MAX_DEPTH),
  'sync-interval': '30s',
  dht: 'client',
  transport: 'memory',
  sybils: String(DEFAULT_SYBILS),
  'attack-edges': String(DEFAULT_ATTACK_EDGES),
  attackers: String(DEFAULT_ATTACKERS),
  spam: String(DEFAULT_SPAM_RECORDS),
  churn: String(DEFAULT_CHURN)
}

export function parseOptions (argv: string[]): SimOptions {
  let values: Record<string, unknown>
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        scenario: { type: 'string' },
        cells: { type: 'string' },
        seed: { type: 'string' },
        latency: { type: 'string' },
        jitter: { type: 'string' },
        degree: { type: 'string' },
        topology: { type: 'string' },
        mode: { type: 'string' },
        processes: { type: 'boolean' },
        'max-depth': { type: 'string' },
        'sync-interval': { type: 'string' },
        dht: { type: 'string' },
        transport: { type: 'string' },
        sybils: { type: 'string' },
        'attack-edges': { type: 'string' },
        attackers: { type: 'string' },
        spam: { type: 'string' },
        churn: { type: 'string' },
        out: { type: 'string' },
        progress: { type: 'boolean' },
        'no-progress': { type: 'boolean' }
      },
      strict: true
    }))
  } catch (err) {
    throw new InvalidOptionError((err as Error).message)
  }
  const noProgress = values['no-progress'] === true
  delete values['no-progress']
  if (values.processes === true) {
    if (values.mode != null && values.mode !== 'processes') throw new InvalidOptionError(`--processes: conflicts with --mode ${String(values.mode)}`)
    values.mode = 'processes'
  }
  delete values.processes
  const parsed = schema.safeParse({ ...DEFAULTS, ...values, progress: noProgress ? false : values.progress ?? true })
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new InvalidOptionError(`--${issue.path.join('.')}: ${issue.message}`)
  }
  const v = parsed.data
  return {
    scenario: v.scenario,
    cells: v.cells,
    seed: v.seed,
    latency: v.latency,
    jitter: v.jitter,
    degree: v.degree,
    topology: v.topology,
    mode: v.mode,
    maxDepth: v['max-depth'],
    syncInterval: v['sync-interval'],
    dht: v.dht,
    transport: v.transport,
    sybils: v.sybils,
    attackEdges: v['attack-edges'],
    attackers: v.attackers,
    spam: v.spam,
    churn: v.churn,
    out: v.out,
    progress: v.progress
  }
}
