/**
 * Which test files need the PostgreSQL and Redis of AIRLOCK_TEST_POSTGRES /
 * AIRLOCK_TEST_REDIS. A suite says so itself with a marker line,
 * `// needs-services: postgres` (or `redis`, or both), so `npm run test:unit`
 * leaves it out without a hand-kept list that can go stale.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, sep } from 'node:path'

/** The marker line a service suite carries, anywhere in the file. */
export const SERVICES_MARKER = /^\/\/ needs-services: (?:postgres|redis)(?:, (?:postgres|redis))?$/m

const TEST_ROOTS = ['src', 'test'] as const

/** Every `*.test.ts` under src/ and test/ of `root`, as paths relative to it with `/`. */
export function testFiles(root: string): string[] {
  const files: string[] = []
  for (const top of TEST_ROOTS) {
    for (const entry of readdirSync(join(root, top), { recursive: true, encoding: 'utf8' })) {
      if (entry.endsWith('.test.ts') && !entry.split(sep).includes('node_modules')) {
        files.push(`${top}/${entry.split(sep).join('/')}`)
      }
    }
  }
  return files.sort()
}

/** The test files under `root` that carry the services marker. */
export function serviceTests(root: string): string[] {
  return testFiles(root).filter((file) => SERVICES_MARKER.test(readFileSync(join(root, file), 'utf8')))
}
