/** TEMPORAL_CLI, then PATH, then .tools/bin; null when none is there. */
export function findTemporalCli(): string | null;
export function ensureTemporalCli(log?: (m: string) => void): Promise<string>;
export function findGo(): string | null;
export function goInstall(
  modules: string[],
  options: { gobin: string; what: string; log?: (m: string) => void; env?: Record<string, string> },
): Promise<void>;
export function freePort(): Promise<number>;
export function portOpen(port: number, host?: string): Promise<boolean>;
export function waitForTemporal(address: string, timeoutMs?: number, alive?: () => boolean): Promise<void>;
export interface RunningServer {
  address: string;
  process: import('node:child_process').ChildProcess;
  stop(): Promise<void>;
}
export function runServerProcess(
  command: string,
  args: string[],
  options: { address: string; logFile?: string; name: string; env?: NodeJS.ProcessEnv },
): Promise<RunningServer>;
export function startDevServer(options: {
  cli: string;
  port: number;
  uiPort?: number;
  dbFile?: string;
  logFile?: string;
  namespace?: string;
}): Promise<RunningServer & { uiUrl: string | null }>;
