/**
 * The `safe_browsing` template: keeps web tools away from internal hosts and
 * local files.
 *
 * @module
 */
import type { PolicyRequest, PolicyRule } from '../policy-rule.js'
import { hasLong, parseOptions } from './command-options.js'
import { internalHostReason } from './internal-host.js'
import type { ShellCommand } from './shell-commands.js'
import { templateRule } from './template-rule.js'
import { argStrings, shellCommandsIn } from './tool-args.js'
import { isShellTool, toolNameContains } from './tool-names.js'
import { inspectUrl, type UrlTarget } from './url-target.js'

const WEB_TOOL_PARTS = [
  'http',
  'fetch',
  'brows',
  'url',
  'web',
  'request',
  'curl',
  'wget',
  'download',
  'navigate',
  'scrape',
  'crawl',
  'visit',
]

/** Tools that reach the network by URL: `http_request`, `web_fetch`, `fetch`, `browse`, `http_get`, `navigate`… */
export function isWebTool(tool: string): boolean {
  return toolNameContains(tool, WEB_TOOL_PARTS)
}

/** Argument keys whose value is a URL or host even without a scheme. */
function isUrlKey(key: string | undefined): boolean {
  if (key === undefined) return false
  const k = key.replace(/[_-]/g, '')
  return (
    k.endsWith('url') ||
    k.endsWith('uri') ||
    k.endsWith('host') ||
    k.endsWith('hostname') ||
    [
      'urls',
      'href',
      'link',
      'links',
      'endpoint',
      'address',
      'domain',
      'target',
      'location',
      'src',
      'website',
      'site',
    ].includes(k)
  )
}

const CURL_OPTIONS = {
  valuedShort: 'dHXouAebcFTwxEKmrUzyYCQ',
  valuedLong: new Set([
    'data',
    'data-raw',
    'data-binary',
    'data-urlencode',
    'header',
    'request',
    'output',
    'user',
    'user-agent',
    'referer',
    'cookie',
    'cookie-jar',
    'form',
    'upload-file',
    'write-out',
    'proxy',
    'config',
    'max-time',
    'resolve',
    'connect-to',
  ]),
}
const WGET_OPTIONS = {
  valuedShort: 'OoaePUtTwQ',
  valuedLong: new Set([
    'output-document',
    'output-file',
    'header',
    'user-agent',
    'post-data',
    'directory-prefix',
  ]),
}
const URL_PROGRAMS: Readonly<Record<string, typeof CURL_OPTIONS>> = {
  curl: CURL_OPTIONS,
  wget: WGET_OPTIONS,
  http: { valuedShort: 'a', valuedLong: new Set(['auth']) },
  https: { valuedShort: 'a', valuedLong: new Set(['auth']) },
  xh: { valuedShort: 'a', valuedLong: new Set(['auth']) },
}

/** `--resolve host:port:addr[,addr]` and `--connect-to h:p:host:port` send a name to any address. */
function curlPinnedAddresses(arg: string, next: string | undefined): string[] {
  const m = /^--(resolve|connect-to)(?:=(.*))?$/.exec(arg)
  const value = m?.[2] ?? next
  if (m === null || value === undefined) return []
  const parts = value.split(/:(?![^[]*\])/)
  const addresses = m[1] === 'resolve' ? parts.slice(2).join(':').split(',') : [parts[2] ?? '']
  return addresses.filter((a) => a !== '')
}

function shellUrls(command: ShellCommand): UrlTarget[] {
  const out: UrlTarget[] = []
  for (const word of command.args) {
    const url = inspectUrl(word, false)
    if (url !== null) out.push(url)
  }
  const spec = URL_PROGRAMS[command.name]
  if (spec !== undefined) {
    for (const operand of parseOptions(command.args, spec).operands) {
      const url = inspectUrl(operand, true)
      if (url !== null) out.push(url)
    }
  }
  if (command.name === 'curl') {
    command.args.forEach((arg, i) => {
      const pinned = curlPinnedAddresses(arg, command.args[i + 1])
      for (const address of pinned) {
        const why = internalHostReason(address)
        if (why !== null) out.push({ text: arg, scheme: 'http', internal: `${address} (${why})` })
      }
    })
  }
  return out
}

function urlsIn(request: PolicyRequest): UrlTarget[] {
  if (isShellTool(request.action)) return shellCommandsIn(request.args).flatMap(shellUrls)
  const out: UrlTarget[] = []
  for (const { key, value } of argStrings(request.args)) {
    const url = inspectUrl(value, isUrlKey(key))
    if (url !== null) out.push(url)
  }
  return out
}

const isDownloadCommand = (c: ShellCommand) => {
  if (c.name === 'wget') return true
  if (c.name !== 'curl') return false
  const o = parseOptions(c.args, CURL_OPTIONS)
  return o.short.has('o') || o.short.has('O') || hasLong(o, 'output') || hasLong(o, 'remote-name')
}

/**
 * The `safe_browsing` rules: deny internal and metadata hosts and `file:`
 * URLs; hold downloads for approval.
 *
 * @remarks URLs are parsed and their hosts classified (loopback, private,
 * link-local, CGNAT, unique-local, IPv4-mapped, metadata names, single-label
 * names) rather than searched as text, so `?next=localhost` is fine while
 * `http://2130706433/` is not. Shell tools are covered through `curl`,
 * `wget` and any URL argument.
 */
export function safeBrowsing(): PolicyRule[] {
  const webOrShell = (tool: string) => isWebTool(tool) || isShellTool(tool)
  return [
    templateRule({
      name: 'block-internal-urls',
      aapPriority: 10,
      decision: 'deny',
      reason: 'Access to internal/metadata URLs is not allowed',
      tools: webOrShell,
      matches: (r) => urlsIn(r).some((u) => u.internal !== null),
    }),
    templateRule({
      name: 'block-file-protocol',
      aapPriority: 10,
      decision: 'deny',
      reason: 'file:// protocol access is not allowed',
      tools: webOrShell,
      matches: (r) => urlsIn(r).some((u) => u.scheme === 'file'),
    }),
    templateRule({
      name: 'escalate-download',
      aapPriority: 50,
      decision: 'require_approval',
      reason: 'File downloads need confirmation',
      tools: (tool) => toolNameContains(tool, ['download', 'wget', 'curl']) || isShellTool(tool),
      matches: (r) =>
        toolNameContains(r.action, ['download', 'wget', 'curl']) ||
        shellCommandsIn(r.args).some(isDownloadCommand),
    }),
  ]
}
