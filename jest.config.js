/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.tsx?$': ['@swc/jest', { jsc: { target: 'es2022' } }],
    // Tests reuse the provisioning helpers of scripts/lib and the defaults of config (ES modules).
    '(scripts/lib|config)/.+\\.mjs$': [
      '@swc/jest',
      { jsc: { target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  globalSetup: '<rootDir>/test/setup/global-setup.mjs',
  globalTeardown: '<rootDir>/test/setup/global-teardown.mjs',
  testTimeout: 60_000,
  // One test file at a time: on a two-core machine, the fault suite's
  // processes (PostgreSQL, Temporal, API, workers) and a Chromium test side
  // by side made the browser miss its deadlines. `npm test -- --maxWorkers=2`
  // runs two at once on a bigger machine.
  maxWorkers: 1,
  // In a worker process of its own (not in jest's), started afresh once it
  // holds this much: a long run does not slow down as memory piles up.
  workerIdleMemoryLimit: '1GB',
};
