/**
 * The contract every coding agent's pre-tool-use hook format implements.
 *
 * @module
 */
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'

/** A tool call as read from an agent's hook payload. */
export interface HookToolCall {
  /** The agent's own tool name (`Bash`, `run_shell_command`, `mcp__github__create_issue`). */
  readonly tool: string
  /** The tool's arguments. */
  readonly inputs: Record<string, unknown>
  /** The agent's id for this call or conversation, when it sends one. */
  readonly call_id: string | null
}

/** What Airlock decided about a call. */
export interface HookVerdict {
  readonly decision: 'allow' | 'deny' | 'require_approval'
  readonly reason: string
}

/** What the hook prints and the exit code it ends with. */
export interface HookAnswer {
  readonly stdout: string
  readonly exit_code: number
}

/** One agent's hook format. */
export interface HookDialect {
  readonly name: string
  /** Reads the payload; throws `BAD_REQUEST` with a precise message for anything else. */
  parse(payload: unknown): HookToolCall
  /** The agent's answer for a verdict. */
  answer(verdict: HookVerdict): HookAnswer
}

/** A bad payload: named field, what was expected. */
export function badPayload(dialect: string, message: string): AirlockError {
  return new AirlockError(ErrorCode.BAD_REQUEST, `${dialect} hook payload: ${message}`)
}

/** The payload as a JSON object, or a precise error. */
export function payloadObject(dialect: string, payload: unknown): Record<string, unknown> {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw badPayload(dialect, 'expected a JSON object')
  }
  return payload as Record<string, unknown>
}

/** A required non-empty string field. */
export function stringField(dialect: string, payload: Record<string, unknown>, field: string): string {
  const value = payload[field]
  if (typeof value !== 'string' || value.trim() === '') {
    throw badPayload(dialect, `'${field}' must be a non-empty string`)
  }
  return value
}

/** The event must be the pre-tool-use one this dialect answers. */
export function expectEvent(
  dialect: string,
  payload: Record<string, unknown>,
  events: readonly string[],
): string {
  const event = payload.hook_event_name
  if (typeof event !== 'string' || !events.includes(event)) {
    throw badPayload(
      dialect,
      `'hook_event_name' must be ${events.map((e) => `'${e}'`).join(' or ')}, got ${JSON.stringify(event ?? null)}`,
    )
  }
  return event
}

/**
 * Tool arguments: an object, or a JSON text of one (Cursor's MCP payloads).
 * Missing arguments are an empty object.
 */
export function toolInputs(dialect: string, value: unknown, field = 'tool_input'): Record<string, unknown> {
  let parsed = value
  if (value === undefined || value === null) return {}
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value)
    } catch {
      throw badPayload(dialect, `'${field}' is a string but not JSON`)
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw badPayload(dialect, `'${field}' must be an object`)
  }
  return parsed as Record<string, unknown>
}

/** An optional string field, or null. */
export function optionalString(payload: Record<string, unknown>, field: string): string | null {
  const value = payload[field]
  return typeof value === 'string' && value !== '' ? value : null
}

/** `{ ... }` printed as one line, exit code 0: how every agent reads a JSON answer. */
export function jsonAnswer(body: Record<string, unknown>): HookAnswer {
  return { stdout: `${JSON.stringify(body)}\n`, exit_code: 0 }
}
