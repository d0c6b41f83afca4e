/**
 * `airlock policy show` (what a config loads, or what a running gateway
 * enforces), `airlock policy replay` (a candidate set against the requests
 * recorded in the audit log) and `airlock policy shadow` (how the shadow
 * candidate decided differently on every replica, from the audit log).
 *
 * @module
 */
import { resolve } from 'node:path'
import type { Command } from 'commander'
import { parseDuration } from '../../config/parse-duration.js'
import { loadPolicySet } from '../../config/policy-set-from-config.js'
import { replayAudit } from '../../pipeline/policy/replay.js'
import { shadowHistory } from '../../pipeline/policy/shadow-history.js'
import { formatDifferenceReport } from '../../policy/versioning/difference-report.js'
import { type PolicySetSummary, summarizePolicySet } from '../../policy/versioning/policy-set.js'
import { openStore } from '../../store/open-store.js'
import type { CliIo } from '../cli-io.js'
import { ExitCode } from '../exit-codes.js'
import { gatewayClient, NO_RESULTS } from '../gateway-client.js'
import { checkGatewayUrl, withInsecureOption } from '../gateway-url.js'
import { UsageError } from '../usage-error.js'
import { configFromFlags, storeFromFlag } from './serve-command.js'

function formatSummary(title: string, s: PolicySetSummary): string {
  return [
    `${title}: ${s.version}${s.label ? ` (${s.label})` : ''}`,
    `  hash:      ${s.hash}`,
    `  loaded at: ${s.loaded_at}`,
    `  rules:     ${s.rules}, actions: ${s.actions}, default: ${s.default_decision}`,
    `  files:     ${s.files.join(', ') || '(none)'}`,
    '',
  ].join('\n')
}

/** An ISO time from `--since 7d` (ago) or an ISO date. */
export function parseSince(value: string, now: Date): string {
  const ms = parseDuration(value)
  if (ms !== undefined) return new Date(now.getTime() - ms).toISOString()
  const at = Date.parse(value)
  if (Number.isNaN(at))
    throw new UsageError(`--since must be a duration such as 7d or an ISO time, got '${value}'`)
  return new Date(at).toISOString()
}

interface ShowFlags {
  config?: string
  url?: string
  apiKey?: string
  insecure?: boolean
  json?: boolean
}

interface ReplayFlags {
  config?: string
  candidate?: string
  since?: string
  until?: string
  store?: string
  json?: boolean
}

function registerShow(policy: Command, io: CliIo, setExit: (code: number) => void): void {
  const show = policy
    .command('show')
    .description(
      'what policy set a config loads (version, label, files), or with --url what a gateway enforces',
    )
    .option('--config <file>', 'airlock.config.yaml (default: the one here)')
    .option(
      '--url <url>',
      'ask a running gateway (or AIRLOCK_URL) instead, with --api-key (or AIRLOCK_API_KEY)',
    )
    .option('--api-key <key>', 'API key for --url')
  withInsecureOption(show)
    .option('--json', 'machine-readable output')
    .action(async (flags: ShowFlags) => {
      const url = flags.url ?? io.env.AIRLOCK_URL
      let state: { policy: PolicySetSummary; shadow: PolicySetSummary | null }
      if (url !== undefined) {
        checkGatewayUrl(url, flags.insecure === true)
        const key = flags.apiKey ?? io.env.AIRLOCK_API_KEY
        state = (await gatewayClient(url, key, NO_RESULTS)('GET', '/policy')) as unknown as typeof state
      } else {
        const config = await configFromFlags(io, flags.config)
        const { set } = await loadPolicySet(config, { label: config.policy.label, base: config.dir })
        state = { policy: summarizePolicySet(set), shadow: null }
      }
      if (flags.json) io.stdout.write(`${JSON.stringify(state, null, 2)}\n`)
      else {
        io.stdout.write(formatSummary('policy', state.policy))
        if (state.shadow) io.stdout.write(formatSummary('shadow', state.shadow))
      }
      setExit(ExitCode.OK)
    })
}

function registerReplay(policy: Command, io: CliIo, setExit: (code: number) => void): void {
  policy
    .command('replay')
    .description(
      'decide the requests in the audit log again with a candidate policy, and report what would change',
    )
    .requiredOption('--candidate <path>', 'the candidate policy file or folder')
    .option('--since <when>', 'how far back: a duration (7d, 12h) or an ISO time', '7d')
    .option('--until <when>', 'up to this ISO time (default: now)')
    .option('--config <file>', 'the config whose actions, inventory and store to use (default: the one here)')
    .option('--store <url>', "read this store's audit log instead of the config's")
    .option('--json', 'the report as JSON')
    .action(async (flags: ReplayFlags) => {
      const now = new Date()
      const since = parseSince(flags.since ?? '7d', now)
      const until = flags.until === undefined ? undefined : parseSince(flags.until, now)
      const config = await configFromFlags(io, flags.config)
      const candidatePath = resolve(io.cwd, flags.candidate ?? '')
      const { set } = await loadPolicySet(
        { ...config, policies: [candidatePath] },
        { label: 'candidate', base: config.dir },
      )
      const store = await openStore(flags.store === undefined ? config.store : storeFromFlag(io, flags.store))
      try {
        const started = performance.now()
        const { report, events_read } = await replayAudit(store.audit, {
          candidate: set,
          since,
          ...(until === undefined ? {} : { until }),
          unknown_actions: config.unknown_actions,
          ...(config.redaction?.mask === undefined ? {} : { mask: config.redaction.mask }),
        })
        const seconds = (performance.now() - started) / 1000
        if (flags.json) io.stdout.write(`${JSON.stringify({ since, events_read, ...report }, null, 2)}\n`)
        else {
          io.stdout.write(formatDifferenceReport(report))
          io.stderr.write(`replayed ${events_read} event(s) since ${since} in ${seconds.toFixed(2)} s\n`)
        }
      } finally {
        await store.close()
      }
      setExit(ExitCode.OK)
    })
}

interface ShadowFlags {
  config?: string
  since?: string
  until?: string
  candidate?: string
  store?: string
  json?: boolean
}

function registerShadow(policy: Command, io: CliIo, setExit: (code: number) => void): void {
  policy
    .command('shadow')
    .description(
      'report how the shadow candidate decided differently, on every replica sharing the store, from the audit log',
    )
    .option('--since <when>', 'how far back: a duration (24h, 7d) or an ISO time', '24h')
    .option('--until <when>', 'up to this ISO time (default: now)')
    .option('--candidate <version>', 'the candidate version (default: the newest one shadowed in the range)')
    .option('--config <file>', 'the config whose store to read (default: the one here)')
    .option('--store <url>', "read this store's audit log instead of the config's")
    .option('--json', 'the report as JSON')
    .action(async (flags: ShadowFlags) => {
      const now = new Date()
      const since = parseSince(flags.since ?? '24h', now)
      const until = flags.until === undefined ? undefined : parseSince(flags.until, now)
      const store = await openStore(
        flags.store === undefined
          ? (await configFromFlags(io, flags.config)).store
          : storeFromFlag(io, flags.store),
      )
      try {
        const report = await shadowHistory(store.audit, {
          since,
          ...(until === undefined ? {} : { until }),
          ...(flags.candidate === undefined ? {} : { version: flags.candidate }),
        })
        if (flags.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
        else if (report.candidate_version === null) io.stdout.write(`no shadowed request since ${since}\n`)
        else {
          io.stdout.write(formatDifferenceReport({ ...report, candidate_version: report.candidate_version }))
          const partial = report.complete ? '' : ' (stopped at the bound: older events were not read)'
          io.stderr.write(`read ${report.events_read} event(s) since ${since}${partial}\n`)
        }
      } finally {
        await store.close()
      }
      setExit(ExitCode.OK)
    })
}

export function registerPolicy(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const policy = program
    .command('policy')
    .description('see the loaded policy set and try a candidate against history')
  registerShow(policy, io, setExit)
  registerReplay(policy, io, setExit)
  registerShadow(policy, io, setExit)
}
