/**
 * `npm run sim -- --scenario <name> ...`: runs one scenario, prints a
 * one-screen summary on stdout (progress goes to stderr) and, with --out,
 * writes the JSON and Markdown reports and SVG plots.
 */
import { parseOptions, USAGE } from './cli/args.ts'
import { Progress } from './cli/progress.ts'
import { SimulationError } from './errors.ts'
import { assertProcessesRun } from './processes/support.ts'
import { summary } from './report/summary.ts'
import { writeReport } from './report/write-report.ts'
import { scenarioByName } from './scenarios/index.ts'

async function main (argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE)
    return 0
  }
  const options = parseOptions(argv)
  const scenario = scenarioByName(options.scenario)
  if (options.mode === 'processes') assertProcessesRun(scenario.name, options.cells)
  const progress = new Progress(options.progress)
  const result = await scenario.run({ options, progress })
  process.stdout.write(summary(result))
  if (options.out != null) {
    const files = await writeReport(options.out, result)
    process.stdout.write(`\nwrote ${files.join(', ')}\n`)
  }
  return result.checks.every(c => c.pass) ? 0 : 3
}

try {
  process.exitCode = await main(process.argv.slice(2))
} catch (err) {
  if (err instanceof SimulationError) {
    process.stderr.write(`error: ${err.message} (${err.code})\n\n${USAGE}`)
    process.exitCode = 2
  } else {
    throw err
  }
}
// Timers of stopped libp2p nodes (DHT, gossipsub) may linger; the run is over.
process.exit()
