import { defineConfig } from 'vitest/config'
import base, { SERVICE_TESTS } from './vitest.config.js'

// `npm run test:unit`: everything that needs no PostgreSQL or Redis, without the services check.
export default defineConfig({
  ...base,
  test: { ...base.test, globalSetup: [], exclude: ['**/node_modules/**', ...SERVICE_TESTS] },
})
