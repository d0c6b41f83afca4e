/**
 * `npm run test:unit` must run on a machine without PostgreSQL or Redis, so
 * every suite that talks to them has to be left out of it: these tests find
 * such suites by what they import or read, and check that each is marked.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import unitConfig from '../../vitest.unit.config.js'
import { SERVICES_MARKER, serviceTests, testFiles } from './service-tests.js'

const ROOT = resolve(import.meta.dirname, '../..')

/** A module specifier or environment read that means the suite opens PostgreSQL or Redis. */
const USES_SERVICES = [
  /from '(?:pg|ioredis|airlock\/postgres|airlock\/redis)'/,
  /from '[./]+(?:src\/)?store\/postgres\//,
  /from '[./]+(?:src\/)?limits\/redis\//,
  /from '[./]+(?:test\/)?(?:helpers\/test-redis|shipping\/backends)\.js'/,
  /from '\.\/backends\.js'/,
  /process\.env\.AIRLOCK_TEST_(?:POSTGRES|REDIS)/,
]

function usesServices(file: string): boolean {
  const text = readFileSync(resolve(ROOT, file), 'utf8')
  return USES_SERVICES.some((pattern) => pattern.test(text))
}

describe('suites that need PostgreSQL or Redis', () => {
  it('carry the needs-services marker', () => {
    const unmarked = testFiles(ROOT).filter(
      (file) => usesServices(file) && !SERVICES_MARKER.test(readFileSync(resolve(ROOT, file), 'utf8')),
    )
    expect(unmarked, 'add a `// needs-services: postgres` (or redis) line to these').toEqual([])
  })

  it('are all left out of npm run test:unit', () => {
    const excluded = unitConfig.test?.exclude ?? []
    const marked = serviceTests(ROOT)
    expect(marked.length).toBeGreaterThan(0)
    expect(marked.filter((file) => !excluded.includes(file))).toEqual([])
  })

  it('and test:unit skips the services check', () => {
    expect(unitConfig.test?.globalSetup).toEqual([])
  })
})
