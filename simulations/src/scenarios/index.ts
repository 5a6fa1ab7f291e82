/**
 * Every scenario by name.
 */
import { UnknownScenarioError } from '../errors.ts'
import { propagation } from './propagation.ts'
import { revocation } from './revocation.ts'
import { sybil } from './sybil.ts'
import type { Scenario } from './types.ts'

export const SCENARIOS: readonly Scenario[] = [propagation, revocation, sybil]

export function scenarioByName (name: string): Scenario {
  const scenario = SCENARIOS.find(s => s.name === name)
  if (scenario == null) throw new UnknownScenarioError(`unknown scenario "${name}"; one of: ${SCENARIOS.map(s => s.name).join(', ')}`)
  return scenario
}
