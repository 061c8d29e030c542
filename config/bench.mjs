// The sizes and parts of `npm run bench` (README, Benchmarks), from the
// environment; a clear error for a value that is not one. Plain JavaScript:
// scripts/bench.mjs reads it too.
export const BENCH_PARTS = ['pages', 'ratios', 'lifecycle', 'asleep'];
export const BENCH_SERVERS = ['dev', 'postgresql'];
/** The full sizes: smaller ones are marked as such in the results. */
export const FULL_SIZES = Object.freeze({ journeys: 300, lifecycle: 10_000, asleep: 100_000 });

function count(env, name, fallback, max) {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new Error(`${name} must be a whole number from 1 to ${max}, not "${value}".`);
  }
  return n;
}

function list(env, name, allowed) {
  const value = env[name];
  if (value === undefined || value === '') return [...allowed];
  const items = value.split(',').map((s) => s.trim());
  const wrong = items.filter((s) => !allowed.includes(s));
  if (wrong.length > 0) {
    throw new Error(`${name} must be a comma-separated list of ${allowed.join(', ')}; not "${value}".`);
  }
  return items;
}

export function benchConfig(env = process.env) {
  return {
    parts: list(env, 'BENCH_PARTS', BENCH_PARTS),
    servers: list(env, 'BENCH_SERVERS', BENCH_SERVERS),
    journeys: count(env, 'BENCH_JOURNEYS', FULL_SIZES.journeys, 100_000),
    lifecycleJourneys: count(env, 'BENCH_LIFECYCLE_JOURNEYS', FULL_SIZES.lifecycle, 1_000_000),
    lifecycleRound: count(env, 'BENCH_LIFECYCLE_ROUND', 1_000, 1_000_000),
    asleepJourneys: count(env, 'BENCH_ASLEEP_JOURNEYS', FULL_SIZES.asleep, 10_000_000),
    seedConcurrency: count(env, 'BENCH_SEED_CONCURRENCY', 32, 1024),
    workers: count(env, 'BENCH_WORKERS', 1, 32),
    cpuProfile: env.BENCH_CPU_PROFILE === '1',
  };
}
