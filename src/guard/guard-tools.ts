/**
 * `guardTools()`: guarded copies of framework tool objects.
 *
 * @module
 */

import type { ApprovalPolicy } from '../approvals/policy/approval-policy.js'
import { isPlainObject } from '../approvals/policy/guarded-call.js'
import { AirlockError } from '../errors/airlock-error.js'
import { ErrorCode } from '../errors/error-codes.js'
import { type GuardOptions, guardWith } from './guard.js'

/** A tool with an `execute` (Vercel AI SDK) or `invoke` (LangChain) function. */
export type ToolLike =
  | { readonly execute: (...args: never[]) => unknown }
  | { readonly invoke: (...args: never[]) => unknown }

/** Options of {@link guardTools}: {@link GuardOptions} shared by every tool, plus per-tool policies. */
export interface GuardToolsOptions
  extends Omit<GuardOptions, 'action' | 'description' | 'arg_names' | 'idempotency_key'> {
  /** Policy per tool name, overriding `policy` for that tool. */
  readonly tool_policies?: Readonly<Record<string, ApprovalPolicy>>
}

type Fn = (...args: unknown[]) => unknown

/** The framework's tool-call id, when the call carries one, so a retried call resumes instead of asking twice. */
function toolCallId(method: 'execute' | 'invoke', args: readonly unknown[]): string | null {
  const [first, second] = args
  if (method === 'execute' && typeof second === 'object' && second !== null) {
    const id = (second as { toolCallId?: unknown }).toolCallId
    if (typeof id === 'string' && id !== '') return id
  }
  if (
    method === 'invoke' &&
    isPlainObject(first) &&
    first.type === 'tool_call' &&
    typeof first.id === 'string'
  ) {
    return first.id
  }
  return null
}

/** The tool's own input: LangChain passes a ToolCall envelope whose `args` are the input. */
function toolInput(method: 'execute' | 'invoke', args: readonly unknown[]): unknown {
  const first = args[0]
  if (method === 'invoke' && isPlainObject(first) && first.type === 'tool_call' && 'args' in first)
    return first.args
  return first
}

function guardOne<T extends ToolLike>(tool: T, key: string | null, options: GuardToolsOptions): T {
  const method: 'execute' | 'invoke' | null =
    typeof (tool as { execute?: unknown }).execute === 'function'
      ? 'execute'
      : typeof (tool as { invoke?: unknown }).invoke === 'function'
        ? 'invoke'
        : null
  if (method === null) {
    throw new AirlockError(
      ErrorCode.CONFIG_INVALID,
      `Tool ${key ?? '(unnamed)'} has neither an execute nor an invoke function`,
    )
  }
  const ownName = (tool as { name?: unknown }).name
  const toolName = typeof ownName === 'string' ? ownName : key
  if (toolName === null || toolName === '') {
    throw new AirlockError(
      ErrorCode.CONFIG_INVALID,
      'guardTools needs a name for every tool (a name property, or a record key)',
    )
  }
  const original = (tool as unknown as Record<string, Fn>)[method]!.bind(tool)
  const description = (tool as { description?: unknown }).description
  const { tool_policies, ...shared } = options
  const policy = tool_policies?.[toolName] ?? shared.policy
  const guarded = guardWith(
    original,
    {
      ...shared,
      ...(policy ? { policy } : {}),
      action:
        toolName
          .toLowerCase()
          .replace(/[^a-z0-9_-]+/g, '_')
          .replace(/^[^a-z]+/, '') || 'tool',
      description:
        typeof description === 'string' && description.trim() !== '' ? description : `Tool ${toolName}`,
      idempotency_key: (...args: unknown[]) => {
        const id = toolCallId(method, args)
        return id === null ? null : `tool-call:${id}`
      },
    },
    // Only the tool's input is the request; framework context (messages, abort signals, callbacks) passes through.
    { request_args: (args) => [toolInput(method, args)] },
  )
  // Plain tool objects are copied; class instances (LangChain) keep their prototype so instanceof still holds.
  const copy = isPlainObject(tool) ? { ...tool } : Object.create(tool as object)
  Object.defineProperty(copy, method, {
    value: guarded,
    enumerable: true,
    writable: true,
    configurable: true,
  })
  return copy as T
}

/**
 * Guarded copies of tools: each tool's `execute` (AI SDK) or `invoke`
 * (LangChain) goes through {@link guard}; the originals are untouched.
 *
 * @remarks An array keeps its order; a record keeps its keys (used as tool
 * names when a tool has no `name`). The action name is the tool's name, the
 * description the tool's, and the request is the tool's input object, so
 * policies address its fields by name (`amountOver({ arg: 'amount', ... })`).
 * A framework tool-call id becomes the idempotency key.
 */
export function guardTools<T extends readonly ToolLike[]>(
  tools: T,
  options?: GuardToolsOptions,
): { -readonly [K in keyof T]: T[K] }
export function guardTools<T extends Readonly<Record<string, ToolLike>>>(
  tools: T,
  options?: GuardToolsOptions,
): { -readonly [K in keyof T]: T[K] }
export function guardTools(
  tools: readonly ToolLike[] | Readonly<Record<string, ToolLike>>,
  options: GuardToolsOptions = {},
): ToolLike[] | Record<string, ToolLike> {
  if (Array.isArray(tools)) return (tools as readonly ToolLike[]).map((tool) => guardOne(tool, null, options))
  const out: Record<string, ToolLike> = {}
  for (const [key, tool] of Object.entries(tools as Record<string, ToolLike>))
    out[key] = guardOne(tool, key, options)
  return out
}
