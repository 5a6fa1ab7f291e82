/**
 * Every scenario by name.
 */
import { UnknownScenarioError } from '../errors.ts'
import { churn } from './churn.ts'
import { eclipse } from './eclipse.ts'
import { join } from './join.ts'
import { partition } from './partition.ts'
import { propagation } from './propagation.ts'
import { revocation } from './revocation.ts'
import { spam } from './spam.ts'
import { sybil } from './sybil.ts'
import type { Scenario } from './types.ts'

export const SCENARIOS: readonly Scenario[] = [propagation, revocation, sybil, join, partition, churn, spam, eclipse]

export function scenarioByName (name: string): Scenario {
  const scenario = SCENARIOS.find(s => s.name === name)
  if (scenario == null) throw new UnknownScenarioError(`unknown scenario "${name}"; one of: ${SCENARIOS.map(s => s.name).join(', ')}`)
  return scenario
}
