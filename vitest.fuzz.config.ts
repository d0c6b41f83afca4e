import { defineConfig } from 'vitest/config'
import base from './vitest.config.js'

// `npm run fuzz`: the property tests of test/fuzz with many cases each
// (AIRLOCK_FUZZ_RUNS, default 2000); `npm test` runs a few dozen.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['test/fuzz/**/*.test.ts'],
    globalSetup: [],
    typecheck: { enabled: false },
    env: { AIRLOCK_FUZZ_RUNS: process.env.AIRLOCK_FUZZ_RUNS ?? '2000' },
    testTimeout: 30 * 60_000,
  },
})
