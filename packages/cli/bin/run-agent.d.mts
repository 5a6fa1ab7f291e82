/** Path of the agent's entry point. */
export function agentBin (): string
/** Run the agent with these arguments; resolves to its exit code. */
export function runAgent (args: string[]): Promise<number>
