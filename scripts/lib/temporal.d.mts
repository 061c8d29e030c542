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
}): Promise<{ address: string; uiUrl: string | null; stop(): Promise<void> }>;
