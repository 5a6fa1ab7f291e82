/**
 * Memory and CPU of the agent processes, read from /proc: resident set
 * size from /proc/<pid>/status (VmRSS) and user + system CPU time from
 * /proc/<pid>/stat (utime, stime, in clock ticks). The last reading of
 * each pid is kept, so an agent that exited still counts what it used up
 * to the last reading.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

/** Clock ticks per second (`getconf CLK_TCK`); 100 on every common Linux. */
function clockTicks (): number {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim())
    return Number.isFinite(ticks) && ticks > 0 ? ticks : 100
  } catch {
    return 100
  }
}

export interface ProcessUsage {
  rss: number
  cpuMs: number
}

export class ProcessResources {
  private readonly ticks = clockTicks()
  private readonly lastRead = new Map<number, ProcessUsage>()

  /** Sum over `pids`; a pid that is gone (or /proc unreadable) counts its last reading, RSS 0. */
  read (pids: Iterable<number>): ProcessUsage {
    let rss = 0
    let cpuMs = 0
    for (const pid of pids) {
      const usage = this.readOne(pid)
      if (usage != null) this.lastRead.set(pid, usage)
      rss += usage?.rss ?? 0
      cpuMs += (usage ?? this.lastRead.get(pid))?.cpuMs ?? 0
    }
    return { rss, cpuMs }
  }

  private readOne (pid: number): ProcessUsage | undefined {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8')
      const rssKb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? 0)
      // Fields after the command name, which is in parentheses and may hold spaces:
      // state is field 3, utime field 14, stime field 15.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      const ticks = Number(fields[14 - 3]) + Number(fields[15 - 3])
      return { rss: rssKb * 1024, cpuMs: ticks / this.ticks * 1000 }
    } catch {
      return undefined
    }
  }
}
