/**
 * Airlock: a policy enforcement and decision point for the actions AI agents
 * take. This entry point is the core: it loads no database driver, Redis
 * client or cloud SDK (those live behind `airlock/sqlite`, `airlock/postgres`,
 * `airlock/cedar`, ...).
 *
 * @module
 */

export type {
  ActionContext,
  ActionDefinition,
  ActionHandler,
  AnyActionDefinition,
  ParamIssue,
  ValidationResult,
} from './actions/index.js'
export {
  ActionRegistry,
  type DefineActionConfig,
  defineAction,
  loadActions,
  parseActionYaml,
} from './actions/index.js'
export {
  type Airlock,
  type AirlockApprovals,
  type AirlockAudit,
  type AirlockConfig,
  type AirlockRollback,
  type ApproveResult,
  type CheckOptions,
  type CheckResult,
  createAirlock,
  type DecideApprovalOptions,
  type ExecuteOptions,
  type NotificationReport,
  type PlanStep,
  type RollbackPlan,
  type RollbackRun,
  type RollbackRunOptions,
  type VerifyResult,
} from './airlock.js'
export * from './approvals/index.js'
export type { AuditEvent, AuditEventInput, AuditStatus } from './audit/audit-event.js'
export { canonicalJson } from './audit/canonical-json.js'
export { chainHash, GENESIS_HASH } from './audit/hash-chain.js'
export { exportJsonl, readJsonl, verifyJsonlFile } from './audit/jsonl.js'
export { createRedactor, type RedactionConfig, type Redactor } from './audit/redact.js'
export { createSealer, generateSealKey, type Sealer, type SealerConfig } from './audit/seal.js'
export { verifyChain } from './audit/verify-chain.js'
export type { ConfigFile } from './config/config-schema.js'
export { defineConfig } from './config/define-config.js'
export { type SealKeyFileOptions, sealKeyFile } from './config/seal-key-file.js'
export * from './errors/index.js'
export * from './guard/index.js'
export { requestFingerprint } from './idempotency/fingerprint.js'
export type { IdempotencyConfig } from './idempotency/idempotency-gate.js'
export * from './identity/delegation/index.js'
export { DEFAULT_TENANT, type DelegationLink, localPrincipal, type Principal } from './identity/principal.js'
export {
  createKeySet,
  generateSigningKey,
  issueIdentityToken,
  KeySet,
  type KeySetConfig,
  publicJwks,
  resolveCaller,
  type VerifiedIdentity,
  type VerifyIdentityOptions,
  verifyIdentity,
  verifyIdentityToken,
} from './identity/tokens/index.js'
export { Inventory, loadInventory, type Target } from './inventory/index.js'
export {
  createLimits,
  type Limits,
  type LimitsConfig,
  memoryLimits,
} from './limits/index.js'
export type {
  DenialCode,
  DeniedOutcome,
  DryRunOutcome,
  ExecutedOutcome,
  FailedOutcome,
  Outcome,
  PendingApprovalOutcome,
} from './outcome.js'
export { type CheckRequest, decide } from './policy/decide.js'
export {
  allowAll,
  type Decision,
  type DecisionResult,
  denyAll,
  loadPolicies,
  loadPolicyTests,
  PolicyEngine,
  type PolicyRequest,
  type PolicyRule,
  parsePolicies,
  policyTemplate,
  policyTemplates,
  type RiskClass,
  type RuleVerdict,
  requireApproval,
  riskBased,
  roleBased,
  runPolicyTests,
} from './policy/index.js'
export * from './store/index.js'
export {
  ANY as ANY_BINDING,
  DEFAULT_TICKET_AUDIENCE,
  type ExpectedTicket,
  type IssuedTicket,
  issueTicket,
  type TicketValidation,
  ticketForApproval,
  validateTicket,
} from './tickets/index.js'
