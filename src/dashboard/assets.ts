import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'

/** A static file served from the package, with a content hash for caching. */
export interface Asset {
  readonly body: string
  readonly type: string
  readonly etag: string
}

// `assets/dashboard/` sits two levels above both src/dashboard and dist/dashboard.
const folder = new URL('../../assets/dashboard/', import.meta.url)

function load(name: string, type: string): Asset {
  const body = readFileSync(new URL(name, folder), 'utf8')
  return { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"` }
}

let cached: Record<string, Asset> | null = null

/** The dashboard's script and stylesheet, read once from the package. */
export function dashboardAssets(): Record<string, Asset> {
  cached ??= {
    'dashboard.js': load('dashboard.js', 'text/javascript; charset=utf-8'),
    'dashboard.css': load('dashboard.css', 'text/css; charset=utf-8'),
  }
  return cached
}
