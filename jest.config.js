/** jest in CommonJS mode: swc transforms TypeScript; `npm run typecheck` type-checks separately. */
const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  moduleNameMapper: {
    '^@fivestar/contracts$': '<rootDir>/contracts/src',
    '^@fivestar/contracts/workflow$': '<rootDir>/contracts/src/workflow',
    '^@fivestar/workflows$': '<rootDir>/workflows/src',
    '^@fivestar/platform$': '<rootDir>/platform/src',
    '^@fivestar/(tasks|notifications|ranking|api)$': '<rootDir>/services/$1/src',
  },
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/'],
};

module.exports = {
  // One file at a time, however jest is started: integration files share the run's NATS server and each
  // begins by emptying its event stream (test/support.ts, freshEventStream).
  maxWorkers: 1,
  projects: [
    // Pure logic, no I/O: runs anywhere in seconds.
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/**/src/**/*.test.ts'] },
    // Real PostgreSQL, NATS and Temporal (see test/global-setup.ts).
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      globalSetup: '<rootDir>/test/global-setup.ts',
      globalTeardown: '<rootDir>/test/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/setup-timeout.ts'],
    },
    // The real workflow code on the Temporal dev server with in-memory activities (workflows/test/env.ts):
    // every rule path in seconds, no database and no bus.
    {
      ...common,
      displayName: 'workflows',
      testMatch: ['<rootDir>/workflows/test/**/*.test.ts'],
      globalSetup: '<rootDir>/test/global-setup.ts',
      globalTeardown: '<rootDir>/test/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/setup-timeout.ts'],
    },
  ],
};
