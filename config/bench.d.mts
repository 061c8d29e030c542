export type BenchPart = 'pages' | 'ratios' | 'lifecycle' | 'asleep';
export type BenchServer = 'dev' | 'postgresql';
export const BENCH_PARTS: BenchPart[];
export const BENCH_SERVERS: BenchServer[];
export const FULL_SIZES: Readonly<{ journeys: number; lifecycle: number; asleep: number }>;

export interface BenchConfig {
  /** What to measure (BENCH_PARTS): the HTTP routes and pages, the ratios to raw Temporal, the lifecycle, the journeys asleep. */
  parts: BenchPart[];
  /** The Temporal servers the topology parts run on (BENCH_SERVERS). */
  servers: BenchServer[];
  /** Journeys per measure of the ratios to raw Temporal (BENCH_JOURNEYS). */
  journeys: number;
  /** Journeys taken from referral to closed (BENCH_LIFECYCLE_JOURNEYS). */
  lifecycleJourneys: number;
  /** Journeys per round of the lifecycle, Parcours' then raw's in turn (BENCH_LIFECYCLE_ROUND). */
  lifecycleRound: number;
  /** Journeys left asleep on their timers (BENCH_ASLEEP_JOURNEYS). */
  asleepJourneys: number;
  /** Referrals at once while they are seeded (BENCH_SEED_CONCURRENCY). */
  seedConcurrency: number;
  /** Worker processes, for the journeys and for the raw baseline alike (BENCH_WORKERS). */
  workers: number;
  /** A CPU profile of each worker process into .data/bench/profiles (BENCH_CPU_PROFILE=1). */
  cpuProfile: boolean;
}
export function benchConfig(env?: Record<string, string | undefined>): BenchConfig;
