import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '../..')
const pkg = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as {
  exports: Record<string, unknown>
  bin: Record<string, string>
}

describe('the published package', () => {
  // Imported by name in a plain Node process, so resolution goes through
  // package.json `exports` to the built files, as it will for users.
  it('loads every subpath from dist/ through its exports map', async () => {
    const subpaths = Object.keys(pkg.exports).filter((s) => s !== './package.json')
    const script = `
      const names = ${JSON.stringify(subpaths.map((s) => (s === '.' ? 'airlock' : `airlock/${s.slice(2)}`)))}
      const loaded = {}
      for (const name of names) loaded[name] = Object.keys(await import(name)).length
      console.log(JSON.stringify(loaded))`
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      cwd: ROOT,
    })
    const loaded = JSON.parse(stdout) as Record<string, number>
    expect(Object.keys(loaded)).toHaveLength(subpaths.length)
    for (const [name, count] of Object.entries(loaded)) expect(count, name).toBeGreaterThan(0)
  })

  it('ships the CLI binary it declares', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [
      resolve(ROOT, pkg.bin.airlock!),
      '--version',
    ])
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/)
  })
})
