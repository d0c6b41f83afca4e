import { internalHostReason } from './internal-host.js'

/** What a URL-looking string points at. */
export interface UrlTarget {
  /** The string as given. */
  readonly text: string
  /** Lower-cased scheme, or `http` when none was given but one was assumed. */
  readonly scheme: string
  /** `host (why)` when any reading of the URL reaches an internal host; null otherwise. */
  readonly internal: string | null
}

const SCHEME = /^([a-z][a-z0-9+.-]*):/i
const SPECIAL = new Set(['http', 'https', 'ws', 'wss', 'ftp', 'file'])

function authorityHosts(rest: string): string[] {
  const body = rest.replace(/^[/\\]*/, '')
  const hosts: string[] = []
  // WHATWG stops the authority at `\` too; RFC 3986 parsers (Python, curl) do
  // not. Read it both ways so a parser difference cannot hide the host.
  for (const stop of [/[/?#]/, /[/?#\\]/]) {
    const cut = body.search(stop)
    const authority = cut < 0 ? body : body.slice(0, cut)
    for (const at of [authority.lastIndexOf('@'), authority.indexOf('@')]) {
      let host = authority.slice(at + 1)
      if (host.startsWith('[')) host = host.slice(0, host.indexOf(']') + 1 || undefined)
      else host = host.replace(/:[^:]*$/, '')
      hosts.push(host)
    }
  }
  return hosts
}

/**
 * Reads `raw` as a URL. Returns null when it is not one (no scheme, and
 * `assumeHttp` is false). `assumeHttp` reads a bare `host[:port][/path]` as
 * `http://…`, for arguments that are known to hold a URL or host.
 */
export function inspectUrl(raw: string, assumeHttp: boolean): UrlTarget | null {
  // The WHATWG parser drops tabs and newlines anywhere and trims controls and spaces.
  let s = raw.replace(/[\t\n\r]/g, '').replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '')
  let scheme: string
  const m = SCHEME.exec(s)
  // `localhost:8080/x` is a host and port to curl, even though it parses as a scheme.
  const hostPort = assumeHttp && /^[^/:@]+:\d+(?:[/?#]|$)/.test(s)
  // One letter is a drive (`C:\`), not a scheme.
  const named = m?.[1]?.toLowerCase()
  // WHATWG reads `http:127.0.0.1` like `http://127.0.0.1`; other schemes need `//` to carry a host,
  // which also keeps `Host: x` or `note:x` from looking like URLs.
  if (
    named !== undefined &&
    named.length > 1 &&
    !hostPort &&
    (SPECIAL.has(named) || s.startsWith('//', named.length + 1))
  )
    scheme = named
  else if (s.startsWith('//')) {
    scheme = 'http'
    s = `http:${s}`
  } else if (assumeHttp && s !== '' && !/\s/.test(s)) {
    scheme = 'http'
    s = `http://${s}`
  } else return null

  // A file: URL names a local path; its host part is not a network target.
  if (scheme === 'file') return { text: raw, scheme, internal: null }
  const hosts = authorityHosts(s.slice(s.indexOf(':') + 1))
  try {
    hosts.unshift(new URL(s).hostname)
  } catch {
    // Unparseable by WHATWG; the raw readings above still count.
  }
  let internal: string | null = null
  for (const host of hosts) {
    const why = host === '' ? null : internalHostReason(host)
    if (why !== null) {
      internal = `${host} (${why})`
      break
    }
  }
  return { text: raw, scheme, internal }
}
