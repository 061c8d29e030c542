export interface Topology {
  temporalServer: 'dev' | 'postgresql';
  workers: number;
  temporalDatabase: string;
  visibilityDatabase: string;
}
export const TOPOLOGY_DEFAULTS: Readonly<Topology>;
export function topologyFromEnv(env?: Record<string, string | undefined>): Topology;
export function workerMetricsPorts(
  env?: Record<string, string | undefined>,
  workers?: number,
): (number | undefined)[];
