/**
 * The terminal channel: asks whoever sits at the process's terminal.
 *
 * @module
 */
import { userInfo } from 'node:os'
import { createInterface } from 'node:readline'
import { localPrincipal, type Principal } from '../../../identity/principal.js'
import { DEFAULT_APPROVER_ROLES } from '../../approval-service.js'
import type { ApprovalNotice, Channel, ChannelDecision, NotifyOptions } from '../channel.js'
import { argumentView, displayText, truncationNotice } from '../display-text.js'

/** Options of {@link terminalChannel}. */
export interface TerminalChannelConfig {
  /** Where answers are read. Default `process.stdin`; must be a TTY. */
  readonly input?: NodeJS.ReadableStream & { readonly isTTY?: boolean }
  /** Where the notice and prompt are written. Default `process.stderr`, so stdout stays the program's. */
  readonly output?: NodeJS.WritableStream
  /**
   * Who answers. Default: the operating-system user running the process. A
   * name becomes a local principal holding the `approver` role in the
   * approval's tenant: whoever sits at this terminal was chosen to decide.
   */
  readonly approver?: Principal | string
}

const RULE = '─'.repeat(62)

const MAX_ARGUMENTS = 50
const MAX_VALUE_CHARS = 500

function terminalView(notice: ApprovalNotice) {
  return argumentView(notice.inputs, MAX_ARGUMENTS, MAX_VALUE_CHARS)
}

/** The text shown before the prompt. */
export function formatTerminalNotice(notice: ApprovalNotice): string {
  const lines = [
    '',
    RULE,
    ' Airlock: approval required',
    RULE,
    ` Action:    ${displayText(notice.action, 200)}`,
  ]
  const about = notice.description.trim()
  if (about !== '') lines.push(` About:     ${displayText(about, 500)}`)
  lines.push(
    ` Why:       ${displayText(notice.reason, 500)}`,
    ` Requester: ${displayText(notice.requester, 200)}`,
    ` Approval:  ${notice.approval_id} (expires ${notice.expires_at})`,
  )
  if (notice.required_approvals > 1) lines.push(` Quorum:    ${notice.required_approvals} distinct approvers`)
  lines.push(' Arguments:')
  const view = terminalView(notice)
  if (view.entries.length === 0) lines.push('   (no arguments)')
  for (const [key, value] of view.entries) lines.push(`   ${displayText(key, 80)} = ${value}`)
  if (view.hidden > 0) lines.push(`   … ${view.hidden} more`)
  if (view.truncated) lines.push(` ! ${truncationNotice(notice.approval_id, notice.inputs)}`)
  lines.push(RULE)
  return `${lines.join('\n')}\n`
}

function osUser(): string {
  try {
    return userInfo().username
  } catch {
    return 'terminal'
  }
}

function terminalApprover(config: TerminalChannelConfig, notice: ApprovalNotice): Principal {
  const approver = config.approver ?? osUser()
  if (typeof approver !== 'string') return approver
  return localPrincipal(approver, { roles: DEFAULT_APPROVER_ROLES, tenant_id: notice.tenant_id })
}

// Prompts from concurrent guarded calls take turns; interleaved questions on one terminal would be unreadable.
let queue: Promise<unknown> = Promise.resolve()

/**
 * Asks at the terminal: prints the action, its description and the redacted
 * arguments, then `Approve? [y/N]`. Only `y` or `yes` (any case) approves;
 * anything else, including an empty line or end of input, rejects.
 *
 * @remarks Without a TTY on `input` nobody can be asked, so notifying fails
 * with that reason (and a call whose only channel is this one is denied). The
 * prompt is withdrawn when the approval is decided elsewhere or the wait ends.
 * Concurrent prompts in one process are asked one after another.
 */
export function terminalChannel(config: TerminalChannelConfig = {}): Channel {
  return {
    name: 'terminal',
    notify(notice, options) {
      const run = queue.then(() => ask(config, notice, options))
      queue = run.catch(() => undefined)
      return run
    },
  }
}

async function ask(
  config: TerminalChannelConfig,
  notice: ApprovalNotice,
  options: NotifyOptions,
): Promise<ChannelDecision | null> {
  const input = config.input ?? process.stdin
  const output = config.output ?? process.stderr
  if (input.isTTY !== true) {
    throw new Error('no interactive terminal (stdin is not a TTY), so nobody could be asked to approve')
  }
  if (options.signal.aborted) return null
  output.write(formatTerminalNotice(notice))
  const rl = createInterface({ input, output, terminal: true })
  try {
    const answer = await new Promise<string | null>((resolve) => {
      const onAbort = () => resolve(null)
      options.signal.addEventListener('abort', onAbort, { once: true })
      rl.once('close', () => resolve(''))
      rl.question('Approve? [y/N] ', { signal: options.signal }, (text) => {
        options.signal.removeEventListener('abort', onAbort)
        resolve(text)
      })
    })
    if (answer === null) {
      output.write('\n (decided elsewhere or no longer waiting)\n')
      return null
    }
    const approved = ['y', 'yes'].includes(answer.trim().toLowerCase())
    output.write(approved ? ' approved\n' : ' rejected\n')
    return {
      decision: approved ? 'approve' : 'reject',
      approver: terminalApprover(config, notice),
      comment: approved ? 'approved at the terminal' : 'rejected at the terminal',
      shown_in_full: !terminalView(notice).truncated,
    }
  } finally {
    rl.close()
  }
}
