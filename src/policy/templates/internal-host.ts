/**
 * Classifies URL hosts as internal (loopback, private, link-local, cloud
 * metadata, …) without DNS: the templates must stay pure and fast.
 *
 * @remarks Numeric hosts are read the way `inet_aton` and the WHATWG URL
 * parser read them, so `127.1`, `2130706433`, `0x7f000001` and `0177.0.0.1`
 * are all loopback. A public name that resolves to an internal address
 * (DNS rebinding, `127.0.0.1.nip.io`-style names aside) cannot be caught here;
 * that needs egress control where the request is made.
 */

/** Why a host is internal, or null when it looks public. */
export function internalHostReason(host: string): string | null {
  let h = host.trim().toLowerCase()
  try {
    h = decodeURIComponent(h)
  } catch {
    // Keep the raw text: a malformed escape cannot make the host more public.
  }
  h = h.replace(/\.+$/, '')
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1)
  if (h.includes(':')) {
    const words = parseIPv6(h)
    return words === null ? null : classifyIPv6(words)
  }
  const v4 = parseIPv4(h)
  if (v4 !== null) return classifyIPv4(v4)
  if (h === '') return null
  return classifyName(h)
}

const INTERNAL_SUFFIXES = [
  '.localhost',
  '.internal',
  '.local',
  '.localdomain',
  '.home.arpa',
  '.lan',
  '.intranet',
  '.corp',
]

function classifyName(h: string): string | null {
  if (h === 'localhost' || h.endsWith('.localhost')) return 'loopback name'
  if (h === 'metadata.google.internal' || h === 'metadata' || h === 'instance-data')
    return 'cloud metadata name'
  if (INTERNAL_SUFFIXES.some((s) => h.endsWith(s))) return 'internal domain'
  // A dotless name can only resolve through a local search domain or hosts file.
  if (!h.includes('.')) return 'single-label (internal) name'
  // Wildcard-DNS names that embed an address (127.0.0.1.nip.io, 10-0-0-1.sslip.io).
  const labels = h.split('.')
  for (let i = 0; i + 4 <= labels.length; i++) {
    const v4 = parseIPv4(labels.slice(i, i + 4).join('.'))
    if (v4 !== null && classifyIPv4(v4) !== null) return 'name embedding an internal address'
  }
  for (const label of labels) {
    if (/^\d{1,3}(-\d{1,3}){3}$/.test(label)) {
      const v4 = parseIPv4(label.replaceAll('-', '.'))
      if (v4 !== null && classifyIPv4(v4) !== null) return 'name embedding an internal address'
    }
  }
  return null
}

function parsePart(part: string): number | null {
  if (/^0x[0-9a-f]*$/.test(part)) return part.length === 2 ? 0 : Number.parseInt(part.slice(2), 16)
  if (/^0[0-7]+$/.test(part)) return Number.parseInt(part, 8)
  if (/^(0|[1-9][0-9]*)$/.test(part)) return Number(part)
  return null
}

/** Reads a host as an IPv4 address in any `inet_aton` form (1–4 parts, decimal, octal or hex). */
export function parseIPv4(host: string): number | null {
  const parts = host.split('.')
  if (parts.length > 4 || parts.some((p) => p === '')) return null
  const nums: number[] = []
  for (const part of parts) {
    const n = parsePart(part)
    if (n === null || !Number.isFinite(n)) return null
    nums.push(n)
  }
  const last = nums.pop()!
  if (nums.some((n) => n > 255) || last >= 256 ** (4 - nums.length)) return null
  let value = last
  nums.forEach((n, i) => {
    value += n * 256 ** (3 - i)
  })
  return value
}

const V4_RANGES: readonly (readonly [string, number, string])[] = [
  ['0.0.0.0', 8, 'unspecified address'],
  ['10.0.0.0', 8, 'private address'],
  ['100.64.0.0', 10, 'shared (CGNAT) address'],
  ['127.0.0.0', 8, 'loopback address'],
  ['169.254.0.0', 16, 'link-local (cloud metadata) address'],
  ['172.16.0.0', 12, 'private address'],
  ['192.0.0.0', 24, 'reserved address'],
  ['192.168.0.0', 16, 'private address'],
  ['198.18.0.0', 15, 'benchmarking address'],
  ['224.0.0.0', 4, 'multicast address'],
  ['240.0.0.0', 4, 'reserved address'],
]

const V4_PARSED = V4_RANGES.map(([base, bits, label]) => ({
  base: parseIPv4(base)!,
  size: 2 ** (32 - bits),
  label,
}))

/** Why an IPv4 address (as a 32-bit number) is internal, or null. */
export function classifyIPv4(address: number): string | null {
  for (const { base, size, label } of V4_PARSED) if (address >= base && address < base + size) return label
  return null
}

/** Parses an IPv6 address (with optional trailing dotted IPv4 and zone) into eight 16-bit words. */
export function parseIPv6(text: string): number[] | null {
  let h = text
  const zone = h.indexOf('%')
  if (zone >= 0) h = h.slice(0, zone)
  const lastColon = h.lastIndexOf(':')
  const maybeV4 = h.slice(lastColon + 1)
  if (maybeV4.includes('.')) {
    // Rewrite a trailing dotted IPv4 (::ffff:127.0.0.1) as two hex words.
    const v4 = /^\d{1,3}(\.\d{1,3}){3}$/.test(maybeV4) ? parseIPv4(maybeV4) : null
    if (v4 === null) return null
    h = `${h.slice(0, lastColon + 1)}${Math.floor(v4 / 65536).toString(16)}:${(v4 % 65536).toString(16)}`
  }
  const halves = h.split('::')
  if (halves.length > 2) return null
  const toWords = (s: string): number[] | null => {
    if (s === '') return []
    const out: number[] = []
    for (const w of s.split(':')) {
      if (!/^[0-9a-f]{1,4}$/.test(w)) return null
      out.push(Number.parseInt(w, 16))
    }
    return out
  }
  const head = toWords(halves[0]!)
  const rest = halves.length === 2 ? toWords(halves[1]!) : []
  if (head === null || rest === null) return null
  const given = head.length + rest.length
  if (halves.length === 1 ? given !== 8 : given > 7) return null
  return [...head, ...new Array<number>(8 - given).fill(0), ...rest]
}

/** Why an IPv6 address (eight words) is internal, or null. */
export function classifyIPv6(w: readonly number[]): string | null {
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, g = 0, h = 0] = w
  const embedded = (hi: number, lo: number) => classifyIPv4(hi * 65536 + lo)
  if (a === 0 && b === 0 && c === 0 && d === 0 && e === 0) {
    if (f === 0 && g === 0 && h === 0) return 'unspecified address'
    if (f === 0 && g === 0 && h === 1) return 'loopback address'
    // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d) addresses.
    if (f === 0xffff || f === 0) return embedded(g, h) ?? (f === 0 ? 'IPv4-compatible address' : null)
  }
  if (a === 0x64 && b === 0xff9b) return embedded(g, h)
  if (a === 0x2002) return embedded(b, c)
  if ((a & 0xfe00) === 0xfc00) return 'unique local address'
  if ((a & 0xffc0) === 0xfe80) return 'link-local address'
  if ((a & 0xffc0) === 0xfec0) return 'site-local address'
  if ((a & 0xff00) === 0xff00) return 'multicast address'
  return null
}
