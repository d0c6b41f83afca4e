import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'
import { serviceTests } from './test/setup/service-tests.js'

const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url))

/**
 * Suites that need the PostgreSQL and Redis of AIRLOCK_TEST_POSTGRES /
 * AIRLOCK_TEST_REDIS: those with a `// needs-services:` line (test/setup/service-tests.ts).
 */
export const SERVICE_TESTS = serviceTests(fileURLToPath(new URL('.', import.meta.url)))

export default defineConfig({
  // Examples import the package by name; tests run them against the sources.
  resolve: {
    alias: [
      { find: /^airlock$/, replacement: src('index.ts') },
      { find: /^airlock\/sqlite$/, replacement: src('store/sqlite/index.ts') },
      { find: /^airlock\/postgres$/, replacement: src('store/postgres/index.ts') },
      { find: /^airlock\/redis$/, replacement: src('limits/redis/index.ts') },
      { find: /^airlock\/cedar$/, replacement: src('policy/cedar/index.ts') },
      { find: /^airlock\/http$/, replacement: src('http/index.ts') },
      { find: /^airlock\/ai-sdk$/, replacement: src('integrations/ai-sdk/index.ts') },
      { find: /^airlock\/openai-agents$/, replacement: src('integrations/openai-agents/index.ts') },
      { find: /^airlock\/langchain$/, replacement: src('integrations/langchain/index.ts') },
      { find: /^airlock\/dashboard$/, replacement: src('dashboard/index.ts') },
    ],
  },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Type-level tests (`expectTypeOf`) live in `*.test-d.ts` and are checked by tsc.
    typecheck: {
      enabled: true,
      include: ['src/**/*.test-d.ts', 'test/**/*.test-d.ts'],
      tsconfig: './tsconfig.test-d.json',
    },
    // Stops at once, with one message, when PostgreSQL or Redis is not reachable.
    globalSetup: ['test/setup/services-preflight.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
})
