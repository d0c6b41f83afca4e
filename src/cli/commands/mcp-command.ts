/**
 * `airlock mcp serve` and `airlock mcp proxy`: MCP over stdio, every tool
 * call decided by the pipeline of a config file.
 *
 * @module
 */
import { userInfo } from 'node:os'
import type { Command } from 'commander'
import type { Airlock } from '../../airlock.js'
import { type ConfiguredAirlock, createAirlockFromConfig } from '../../config/create-airlock-from-config.js'
import type { McpConfig } from '../../config/mcp-config-schema.js'
import type { Principal } from '../../identity/principal.js'
import type { HeldCallOptions } from '../../mcp/settle-held-call.js'
import type { UpstreamSpec } from '../../mcp/upstream.js'
import type { CliIo } from '../cli-io.js'
import { principalFromFlags } from '../principal-flags.js'
import { UsageError } from '../usage-error.js'
import { configFromFlags, storeFromFlag } from './serve-command.js'

interface McpFlags {
  config?: string
  store?: string
  caller?: string
  roles?: string
  groups?: string
  tenant?: string
}

interface ProxyFlags extends McpFlags {
  upstream?: string
  namespace?: string
}

/** Splits a command line on blanks, keeping '...' and "..." together (no other shell syntax). */
export function splitCommandLine(text: string): string[] {
  const words: string[] = []
  const pattern = /"([^"]*)"|'([^']*)'|(\S+)/g
  for (const match of text.matchAll(pattern)) words.push(match[1] ?? match[2] ?? match[3] ?? '')
  return words
}

/** `--upstream`: an http(s) URL, or a command line to start a stdio server. */
export function parseUpstream(text: string, trailing: readonly string[]): UpstreamSpec {
  if (/^https?:\/\//i.test(text)) {
    if (trailing.length > 0) throw new UsageError('arguments after -- need a command upstream, not a URL')
    return { url: text }
  }
  const [command, ...args] = [...splitCommandLine(text), ...trailing]
  if (command === undefined) throw new UsageError('--upstream must name a command or an http(s) URL')
  return { command, args }
}

function heldOptions(mcp: McpConfig | null): HeldCallOptions {
  return {
    wait_ms: mcp?.wait ?? 300_000,
    progress_interval_ms: mcp?.progress_interval ?? 5_000,
    elicitation: mcp?.elicitation ?? true,
  }
}

/** The stdio caller: the flags' principal, or the local user who started the agent. */
function callerOf(flags: McpFlags): Principal {
  return (
    principalFromFlags({ ...flags, caller: flags.caller ?? userInfo().username }) ??
    principalFromFlags({ caller: 'local' })!
  )
}

function withCommonOptions(command: Command): Command {
  return command
    .option('--config <file>', 'airlock.config.yaml, .ts or .mjs (default: the one in the working folder)')
    .option('--store <url>', 'store URL, overriding store: sqlite:<path>, postgres://..., or memory')
    .option('--caller <id>', 'who the MCP client acts as (default: the local user name)')
    .option('--roles <list>', 'comma-separated roles of the caller')
    .option('--groups <list>', 'comma-separated groups of the caller')
    .option('--tenant <id>', 'tenant of the caller')
}

async function openConfigured(io: CliIo, flags: McpFlags): Promise<ConfiguredAirlock> {
  const config = await configFromFlags(io, flags.config)
  return createAirlockFromConfig(config, {
    ...(flags.store === undefined ? {} : { store: storeFromFlag(io, flags.store) }),
  })
}

/** Serves until the client closes stdin (or a signal), then closes the pipeline. */
async function serveStdio(
  io: CliIo,
  airlock: Airlock,
  server: { connect(t: unknown): Promise<void>; onclose?: (() => void) | undefined },
  close: () => Promise<void>,
): Promise<void> {
  const { answerMalformed, stdioLineTransport } = await import('../../mcp/index.js')
  const done = new Promise<void>((resolve) => {
    server.onclose = resolve
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
    process.stdin.once('end', resolve)
  })
  // Malformed lines and messages get a JSON-RPC error instead of silence the agent would wait on.
  await server.connect(answerMalformed(stdioLineTransport()))
  await done
  await close().catch((error: unknown) => io.stderr.write(`airlock mcp: ${String(error)}\n`))
  await airlock.close()
}

const logError = (io: CliIo) => (error: unknown, context: { action: string }) => {
  io.stderr.write(
    `airlock mcp: '${context.action}' failed closed: ${error instanceof Error ? error.stack : String(error)}\n`,
  )
}

export function registerMcp(program: Command, io: CliIo): void {
  const mcp = program.command('mcp').description('MCP: serve governed actions, or govern another MCP server')
  withCommonOptions(
    mcp.command('serve').description("serve the config's actions as MCP tools over stdio"),
  ).action(async (flags: McpFlags) => {
    const { createMcpServer } = await import('../../mcp/index.js')
    const { airlock, config } = await openConfigured(io, flags)
    const server = createMcpServer(airlock, {
      principal: callerOf(flags),
      held: heldOptions(config.mcp),
      onError: logError(io),
    })
    io.stderr.write(`airlock mcp serve: ${airlock.actions().length} actions over stdio\n`)
    await serveStdio(io, airlock, server as never, () => server.close())
  })

  withCommonOptions(
    mcp
      .command('proxy')
      .description('govern another MCP server: relay everything, decide every tools/call')
      .option('--upstream <command-or-url>', 'the server to govern: a command line (stdio) or an http(s) URL')
      .option('--namespace <name>', 'action prefix of its tools, overriding mcp.proxy.namespace')
      .argument('[command...]', 'the upstream command and its arguments, after --'),
  ).action(async (trailing: string[], flags: ProxyFlags) => {
    const { createMcpProxy } = await import('../../mcp/index.js')
    const configured = await openConfigured(io, flags)
    const { airlock, config, sources } = configured
    try {
      const proxyConfig = config.mcp?.proxy
      const upstream: UpstreamSpec | undefined =
        flags.upstream !== undefined
          ? parseUpstream(flags.upstream, trailing)
          : trailing.length > 0
            ? parseUpstream(trailing.join(' '), [])
            : proxyConfig?.upstream
      if (!upstream)
        throw new UsageError('name the server to govern: --upstream <command or URL>, or mcp.proxy.upstream')
      const namespace = flags.namespace ?? proxyConfig?.namespace
      if (!namespace)
        throw new UsageError('name the namespace of its tools: --namespace fs, or mcp.proxy.namespace')
      const proxy = await createMcpProxy({
        airlock,
        registry: sources.registry,
        upstream,
        namespace,
        tools: proxyConfig?.tools ?? {},
        unknown_tools: proxyConfig?.unknown_tools ?? 'require_approval',
        call_timeout_ms: proxyConfig?.call_timeout ?? 600_000,
        principal: callerOf(flags),
        held: heldOptions(config.mcp),
        onError: logError(io),
      })
      io.stderr.write(
        `airlock mcp proxy: governing ${'url' in upstream ? upstream.url : upstream.command} as '${namespace}.*'\n`,
      )
      await serveStdio(io, airlock, proxy.server as never, () => proxy.close())
    } catch (error) {
      await airlock.close().catch(() => undefined)
      throw error
    }
  })
}
