/**
 * Record: every audit event the pipeline writes goes through here, redacted
 * (values, free text, and who delegated to the actor) and appended to the
 * hash chain.
 *
 * Reads: the redactor, the clock. Writes: one audit event per call.
 * Guarantees: `record` resolves only once the event is durable in the chain
 * (the audit writer batches appends but acknowledges each after its commit),
 * so a stage that awaits it may rely on the evidence surviving a crash. A
 * failed append rejects; the stage that asked decides what that means.
 * This is where audit checkpoints will hook in: after an append resolves.
 *
 * @module
 */
import type { AuditEvent, AuditEventInput, AuditStatus } from '../../audit/audit-event.js'
import type { EventWriter } from '../../audit/audit-writer.js'
import type { Redactor } from '../../audit/redact.js'
import type { Principal } from '../../identity/principal.js'
import { newId } from '../../internal/ids.js'
import { isoString } from '../../internal/iso-string.js'
import type { Decision } from '../../policy/decision.js'
import type { GroupCommit } from '../../store/group-commit.js'
import type { ClaimResult, IdempotencyClaimRequest, WriteOp, WriteResult } from '../../store/store.js'

/** What a stage knows about the event it records; the rest is derived. */
export interface RecordFields {
  readonly id?: string
  readonly request_id: string
  readonly principal: Principal
  readonly action: string
  readonly decision?: Decision | null
  readonly target?: string | null
  readonly inputs?: unknown
  readonly result?: unknown
  readonly error?: string | null
  readonly reason?: string | null
  readonly rule?: string | null
  readonly approval_id?: string | null
  readonly approver?: string | null
  readonly idempotency_key?: string | null
  readonly ticket_id?: string | null
  readonly context?: Record<string, unknown> | null
  /** The policy set in force for this request; default: the decision's, else the one in force now. */
  readonly policy_version?: string
}

/** Where the recorder commits its events. */
export interface RecordWriter extends EventWriter {
  /** Appends `event` and applies `op` in the same transaction; resolves with both once committed. */
  writeWith(event: AuditEventInput, op: WriteOp): Promise<{ event: AuditEvent; result: WriteResult }>
  /** Claims a key, appending `event` in the same commit only if the claim takes the key fresh. */
  claimWith(
    request: IdempotencyClaimRequest,
    event: AuditEventInput,
  ): Promise<{ result: ClaimResult; event: AuditEvent | null }>
}

/** The recorder's writer over the pipeline's group commit: events share commits with claims and outcomes. */
export function eventWriter(commit: GroupCommit): RecordWriter {
  return {
    write: (event) => commit.append(event),
    writeWith: (event, op) => commit.appendWith(event, op),
    claimWith: (request, event) => commit.claimWith(request, event),
    close: () => commit.close(),
  }
}

export interface Recorder {
  /** Builds, redacts and durably appends one event; resolves once it is in the chain. */
  record(status: AuditStatus, fields: RecordFields): Promise<AuditEvent>
  /**
   * Like `record`, committing `op` (another write of the same request) in
   * the same transaction: both are stored or neither is.
   */
  recordWith(
    status: AuditStatus,
    fields: RecordFields,
    op: WriteOp,
  ): Promise<{ event: AuditEvent; result: WriteResult }>
  /**
   * Claims an idempotency key, recording `status` in the same commit when,
   * and only when, the claim takes the key fresh: a run's `started` costs no
   * commit of its own. The event is null when the claim did not.
   */
  recordOnClaim(
    status: AuditStatus,
    fields: RecordFields,
    request: IdempotencyClaimRequest,
  ): Promise<{ result: ClaimResult; event: AuditEvent | null }>
  /** Masks secrets in free text (handler errors quote connection strings and tokens). */
  redactString(text: string): string
  /** A redacted copy of a value, for answers that go to someone other than the requester. */
  redact(value: unknown): unknown
  /** Waits for pending appends. */
  close(): Promise<void>
  /** This recorder, naming `policy_version` in every event it records (one request's snapshot). */
  at(policy_version: string): Recorder
  /** This recorder, adding `context` to every event's context (redacted like the rest; the event's own keys win). */
  with(context: Record<string, unknown>): Recorder
}

/** What the recorder needs. */
export interface RecorderDeps {
  writer: RecordWriter
  redactor: Redactor
  now: () => Date
  /** The version in force, for events recorded outside a request's snapshot. */
  policyVersion?: () => string
}

/** An event's context: redacted, with who delegated, the policy version and what the rules saw of the caller. */
function eventContext(
  redactor: Redactor,
  principal: Principal,
  context: Record<string, unknown> | null | undefined,
  policy_version: string | undefined,
  decided: boolean,
): Record<string, unknown> | null {
  const chain = principal.delegation_chain
  const merged = {
    ...(context ?? {}),
    ...(chain.length > 0 ? { delegated_by: chain.map((link) => link.actor_id) } : {}),
  }
  const redacted = redactor.redact(merged) as Record<string, unknown>
  // Set after redaction: a version string is never a secret, and it must survive intact.
  if (policy_version !== undefined) redacted.policy_version = policy_version
  // What the rules saw of the caller, so `airlock policy replay` can decide the request again.
  if (decided) {
    const { roles, groups, scopes } = principal
    if (roles.length + groups.length + scopes.length > 0) redacted.caller = { roles, groups, scopes }
  }
  return Object.keys(redacted).length === 0 ? null : redacted
}

/** The audit event a stage's fields describe, redacted; `fixed` and `extra` are the recorder's own. */
function buildEvent(
  deps: RecorderDeps,
  bound: { fixed: string | undefined; extra: Record<string, unknown> | null },
  status: AuditStatus,
  fields: RecordFields,
): AuditEventInput {
  const { redactor } = deps
  const maskText = (text: string | null): string | null =>
    text === null ? null : redactor.redactString(text)
  const d = fields.decision ?? null
  const version = bound.fixed ?? fields.policy_version ?? d?.policy_version ?? deps.policyVersion?.()
  const context = bound.extra === null ? fields.context : { ...bound.extra, ...fields.context }
  return {
    id: fields.id ?? newId('evt'),
    ts: isoString(deps.now()),
    tenant_id: fields.principal.tenant_id,
    request_id: fields.request_id,
    status,
    action: fields.action,
    actor: fields.principal.actor_id,
    target: fields.target ?? d?.target ?? null,
    decision: d?.decision ?? null,
    reason: maskText(fields.reason ?? d?.reason ?? null),
    rule: fields.rule ?? d?.rule ?? null,
    risk_class: d?.risk_class ?? null,
    effective_risk: d?.effective_risk ?? null,
    inputs: fields.inputs === undefined ? null : redactor.redact(fields.inputs),
    result: fields.result === undefined ? null : redactor.redact(fields.result),
    error: maskText(fields.error ?? null),
    approval_id: fields.approval_id ?? null,
    approver: fields.approver ?? null,
    idempotency_key: fields.idempotency_key ?? null,
    ticket_id: fields.ticket_id ?? d?.ticket_id ?? null,
    context: eventContext(redactor, fields.principal, context, version, d !== null),
  }
}

export function createRecorder(deps: RecorderDeps): Recorder {
  const { writer, redactor } = deps
  const recorder = (fixed: string | undefined, extra: Record<string, unknown> | null): Recorder => {
    const bound = { fixed, extra }
    return {
      record: (status, fields) => writer.write(buildEvent(deps, bound, status, fields)),
      recordWith: (status, fields, op) => writer.writeWith(buildEvent(deps, bound, status, fields), op),
      recordOnClaim: (status, fields, request) =>
        writer.claimWith(request, buildEvent(deps, bound, status, fields)),
      redactString: (text) => redactor.redactString(text),
      redact: (value) => redactor.redact(value),
      close: () => writer.close(),
      at: (policy_version) => recorder(policy_version, extra),
      with: (context) => recorder(fixed, { ...extra, ...context }),
    }
  }
  return recorder(undefined, null)
}
