import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '../..')
// Packages only their own subpath may load: the core must work without them installed.
const OPTIONAL = [
  'pg',
  'ioredis',
  'better-sqlite3',
  '@cedar-policy/cedar-wasm',
  '@modelcontextprotocol/',
  '@kubernetes/',
  '@aws-sdk/',
  '@openai/agents',
  'langchain',
  '@langchain/',
]

/** Every bare specifier reachable through static imports from `entry`. */
function staticImports(entry: string): Map<string, string> {
  const seen = new Set<string>()
  const bare = new Map<string, string>()
  const visit = (file: string) => {
    if (seen.has(file)) return
    seen.add(file)
    const text = readFileSync(file, 'utf8')
    // `import x from 'y'`, `import 'y'`, `export ... from 'y'` — not `import('y')`, which loads lazily.
    const pattern = /^\s*(?:import|export)\s(?:[^'"`;]*?\sfrom\s)?['"]([^'"]+)['"]/gm
    for (const match of text.matchAll(pattern)) {
      const spec = match[1] as string
      if (/^\s*import\s+type\s/.test(match[0]) || /^\s*export\s+type\s/.test(match[0])) continue
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')))
      else if (!bare.has(spec)) bare.set(spec, file)
    }
  }
  visit(entry)
  return bare
}

describe('the core entry point', () => {
  it('does not load optional drivers or SDKs', () => {
    const reached = staticImports(resolve(ROOT, 'src/index.ts'))
    const offenders = [...reached].filter(([spec]) => OPTIONAL.some((p) => spec === p || spec.startsWith(p)))
    expect(offenders.map(([spec, from]) => `${spec} (from ${from.slice(ROOT.length + 1)})`)).toEqual([])
  })

  it('declares every package it imports as a dependency or a required peer', () => {
    const pkg = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>
      peerDependencies: Record<string, string>
      peerDependenciesMeta: Record<string, { optional?: boolean }>
    }
    // A required peer (zod) is installed by npm beside the package, one copy shared with the user's code.
    const requiredPeers = Object.keys(pkg.peerDependencies).filter(
      (name) => pkg.peerDependenciesMeta[name]?.optional !== true,
    )
    const declared = new Set([...Object.keys(pkg.dependencies), ...requiredPeers])
    const reached = [...staticImports(resolve(ROOT, 'src/index.ts')).keys()].filter(
      (s) => !s.startsWith('node:'),
    )
    const packageOf = (spec: string) =>
      spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]
    const missing = reached.map(packageOf).filter((name) => !declared.has(name!))
    expect([...new Set(missing)]).toEqual([])
  })
})
