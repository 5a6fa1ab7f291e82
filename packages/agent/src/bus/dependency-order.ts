/**
 * Topological order of managers by their declared dependencies (Kahn's
 * algorithm, ties broken by registration order so start-up is stable).
 */
import { DependencyCycleError, UnknownServiceError } from '../errors.ts'
import type { ServiceManager } from './manager.ts'

export function dependencyOrder (managers: readonly ServiceManager[]): ServiceManager[] {
  const byName = new Map(managers.map(manager => [manager.name, manager]))
  const remaining = new Map<string, number>()

  for (const manager of managers) {
    for (const dependency of manager.dependencies) {
      if (!byName.has(dependency)) {
        throw new UnknownServiceError(dependency)
      }
    }
    remaining.set(manager.name, manager.dependencies.length)
  }

  const ordered: ServiceManager[] = []
  while (ordered.length < managers.length) {
    const next = managers.find(manager => remaining.get(manager.name) === 0)
    if (next == null) {
      const stuck = managers.filter(manager => (remaining.get(manager.name) ?? 0) > 0).map(m => m.name)
      throw new DependencyCycleError(stuck)
    }
    ordered.push(next)
    remaining.set(next.name, -1)
    for (const manager of managers) {
      if (manager.dependencies.includes(next.name)) {
        remaining.set(manager.name, (remaining.get(manager.name) ?? 0) - 1)
      }
    }
  }
  return ordered
}

/** Every manager that depends on `name`, directly or through others. */
export function dependentsOf (managers: readonly ServiceManager[], name: string): string[] {
  const found = new Set<string>()
  const visit = (target: string): void => {
    for (const manager of managers) {
      if (manager.dependencies.includes(target) && !found.has(manager.name)) {
        found.add(manager.name)
        visit(manager.name)
      }
    }
  }
  visit(name)
  return [...found]
}
