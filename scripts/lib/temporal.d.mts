/** TEMPORAL_CLI, then PATH, then .tools/bin; null when none is there. */
export function findTemporalCli(): string | null;
export function ensureTemporalCli(log?: (m: string) => void): Promise<string>;
export function freePort(): Promise<number>;
export function portOpen(port: number, host?: string): Promise<boolean>;
export function waitForTemporal(address: string, timeoutMs?: number): Promise<void>;
export function startDevServer(options: {
  cli: string;
  port: number;
  uiPort?: number;
  dbFile?: string;
  logFile?: string;
  namespace?: string;
}): Promise<{
  address: string;
  uiUrl: string | null;
  process: import('node:child_process').ChildProcess;
  stop(): Promise<void>;
}>;
