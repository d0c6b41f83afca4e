import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '../..')
const pkg = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as {
  license: string
  files: string[]
}

describe('what the package ships', () => {
  it('has a LICENSE file matching package.json', () => {
    expect(pkg.license).toBe('Apache-2.0')
    const text = readFileSync(resolve(ROOT, 'LICENSE'), 'utf8')
    expect(text).toContain('Apache License')
    expect(text).toContain('Version 2.0, January 2004')
    expect(pkg.files).toContain('LICENSE')
  })

  it('lists only files and folders that exist', () => {
    for (const entry of pkg.files) expect(existsSync(resolve(ROOT, entry)), entry).toBe(true)
  })

  it('ships every file the README links to, so its links work after install', () => {
    const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8')
    const links = [...readme.matchAll(/\]\(((?:\.\/)?(?:docs|examples)\/[^)#\s]+)/g)].map((m) => m[1]!)
    expect(links.length).toBeGreaterThan(0)
    for (const link of links) {
      expect(existsSync(resolve(ROOT, link)), link).toBe(true)
      const top = link.replace(/^\.\//, '').split('/')[0]!
      expect(pkg.files, `${link} is not in package.json files`).toContain(top)
    }
  })
})
