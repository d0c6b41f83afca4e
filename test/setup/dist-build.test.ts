import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { DistBuildError, distStaleness, ensureDistBuilt } from './dist-build.js'

const ROOT = resolve(import.meta.dirname, '../..')
const tmp = mkdtempSync(join(tmpdir(), 'airlock-dist-build-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

/** A checkout in miniature: the same build command, one CLI source file. */
function checkout(name: string, bin: string): string {
  const root = join(tmp, name)
  mkdirSync(join(root, 'src/cli'), { recursive: true })
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'))
  writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n')
  writeFileSync(
    join(root, 'tsconfig.json'),
    '{ "compilerOptions": { "strict": true, "module": "nodenext", "target": "es2022", "skipLibCheck": true } }\n',
  )
  writeFileSync(
    join(root, 'tsconfig.build.json'),
    '{ "extends": "./tsconfig.json", "compilerOptions": { "rootDir": "src", "outDir": "dist" }, "include": ["src"] }\n',
  )
  writeFileSync(join(root, 'src/cli/bin.ts'), bin)
  return root
}

describe('the build the CLI tests run before they start', () => {
  it('builds a missing dist once, then not again until a source changes', { timeout: 120_000 }, async () => {
    const root = checkout('fresh', 'export const answer: number = 42\n')
    expect(distStaleness(root)).toMatch(/bin\.js is missing/)
    expect(await ensureDistBuilt(root)).toBe(true)
    expect(distStaleness(root)).toBeUndefined()
    expect(await ensureDistBuilt(root)).toBe(false)
    const later = new Date(Date.now() + 60_000)
    utimesSync(join(root, 'src/cli/bin.ts'), later, later)
    expect(distStaleness(root)).toBe('a source file is newer than dist/')
  })

  it('says the build failed and shows the compiler error', { timeout: 120_000 }, async () => {
    const root = checkout('broken', 'export const answer: number = "forty-two"\n')
    const failure = ensureDistBuilt(root)
    await expect(failure).rejects.toBeInstanceOf(DistBuildError)
    await expect(failure).rejects.toThrow(/building it failed \(tsc -p tsconfig\.build\.json exited 2\)/)
    await expect(failure).rejects.toThrow(/src\/cli\/bin\.ts\(1,14\): error TS2322/)
  })

  it('builds exactly once when several processes ask at the same time', { timeout: 240_000 }, async () => {
    const root = checkout('raced', 'export const answer: number = 42\n')
    // jiti loads the TypeScript module as CommonJS, so its exports arrive under `default`.
    const script = `const guard = (await import(${JSON.stringify(join(import.meta.dirname, 'dist-build.ts'))})).default
process.stdout.write(String(await guard.ensureDistBuilt(${JSON.stringify(root)})))`
    const run = promisify(execFile)
    const builds = await Promise.all(
      [1, 2, 3].map(() =>
        run(process.execPath, ['--import', 'jiti/register', '--input-type=module', '--eval', script], {
          cwd: ROOT,
        }),
      ),
    )
    expect(builds.map((b) => b.stdout).sort()).toEqual(['false', 'false', 'true'])
    expect(distStaleness(root)).toBeUndefined()
  })
})
