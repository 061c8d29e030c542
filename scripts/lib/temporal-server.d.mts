import type { RunningServer } from './temporal.mjs';

export const SERVER_VERSION: string;
export function findTemporalServer(bin?: string): { server: string; sqlTool: string } | null;
export function ensureTemporalServer(
  log?: (m: string) => void,
  bin?: string,
): Promise<{ server: string; sqlTool: string }>;
export function freePortBetween(from: number, to: number, avoid?: number[]): Promise<number>;
export function registerNamespace(
  address: string,
  namespace: string,
  retentionDays?: number,
): Promise<boolean>;
export function startPostgresServer(options: {
  databaseUrl: string;
  databases: { temporalDatabase: string; visibilityDatabase: string };
  port: number;
  ports?: Record<string, number>;
  dataDir: string;
  logFile?: string;
  namespace?: string;
  log?: (m: string) => void;
}): Promise<RunningServer & { uiUrl: null; ports: Record<string, number> }>;
