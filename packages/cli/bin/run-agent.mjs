// Run the agent as a child process in the foreground: signals pass through,
// and the IPC channel lets the agent stop if this process dies. Plain
// JavaScript so that `cell start` can use it before loading any TypeScript.
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'

export function agentBin () {
  return createRequire(import.meta.url).resolve('@cell/agent/bin')
}

export function runAgent (args) {
  const child = spawn(process.execPath, [agentBin(), ...args], { stdio: ['inherit', 'inherit', 'inherit', 'ipc'] })
  const forward = signal => { child.kill(signal) }
  process.on('SIGINT', forward)
  process.on('SIGTERM', forward)
  return new Promise(resolve => {
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward)
      process.off('SIGTERM', forward)
      resolve(code ?? (signal != null ? 1 : 0))
    })
  })
}
