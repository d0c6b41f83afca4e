import { GENESIS_HASH } from '../../audit/hash-chain.js'
import { linkedBatchFunction } from './linked-batch-function.js'
import { writeBatchFunction } from './write-batch-function.js'

/** One versioned schema change; `statements` receive the quoted schema name. */
export interface PostgresMigration {
  readonly version: number
  readonly name: string
  readonly statements: (schema: string) => readonly string[]
}

/** Every migration, oldest first. Versions only ever grow; a released migration is never edited. */
export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    name: 'approvals, idempotency, nonces, audit chain',
    statements: (s) => [
      `CREATE TABLE ${s}.airlock_approvals (
        id text PRIMARY KEY,
        tenant_id text NOT NULL,
        action text NOT NULL,
        target text,
        requester text NOT NULL,
        requester_roles text NOT NULL,
        status text NOT NULL,
        decision text NOT NULL,
        reason text NOT NULL,
        rule text,
        risk_class text NOT NULL,
        effective_risk text NOT NULL,
        inputs text,
        sealed_inputs text NOT NULL,
        idempotency_key text,
        ticket_id text,
        request_id text NOT NULL,
        required_approvals integer NOT NULL,
        votes text NOT NULL,
        decided_by text,
        comment text,
        created_at text NOT NULL,
        expires_at text NOT NULL,
        decided_at text,
        completed_at text,
        outcome text
      )`,
      `CREATE INDEX airlock_approvals_tenant_created ON ${s}.airlock_approvals (tenant_id, created_at DESC, id DESC)`,
      `CREATE INDEX airlock_approvals_tenant_status_created
        ON ${s}.airlock_approvals (tenant_id, status, created_at DESC, id DESC)`,
      `CREATE INDEX airlock_approvals_pending_expiry ON ${s}.airlock_approvals (expires_at) WHERE status = 'pending'`,
      `CREATE TABLE ${s}.airlock_idempotency (
        tenant_id text NOT NULL,
        action text NOT NULL,
        idem_key text NOT NULL,
        fingerprint text NOT NULL,
        owner text NOT NULL,
        state text NOT NULL,
        lease_until text NOT NULL,
        outcome text,
        expires_at text,
        recovered integer NOT NULL,
        PRIMARY KEY (tenant_id, action, idem_key)
      )`,
      `CREATE INDEX airlock_idempotency_retention ON ${s}.airlock_idempotency (expires_at) WHERE state = 'completed'`,
      `CREATE TABLE ${s}.airlock_nonces (nonce text PRIMARY KEY, expires_at text NOT NULL)`,
      `CREATE INDEX airlock_nonces_expiry ON ${s}.airlock_nonces (expires_at)`,
      `CREATE TABLE ${s}.airlock_audit_events (
        seq bigint PRIMARY KEY,
        id text NOT NULL UNIQUE,
        ts text NOT NULL,
        tenant_id text NOT NULL,
        request_id text NOT NULL,
        status text NOT NULL,
        action text NOT NULL,
        actor text NOT NULL,
        decision text,
        approval_id text,
        body text NOT NULL,
        prev_hash text NOT NULL,
        hash text NOT NULL
      )`,
      `CREATE INDEX airlock_audit_tenant ON ${s}.airlock_audit_events (tenant_id, seq)`,
      `CREATE INDEX airlock_audit_request ON ${s}.airlock_audit_events (request_id)`,
      `CREATE INDEX airlock_audit_approval ON ${s}.airlock_audit_events (approval_id) WHERE approval_id IS NOT NULL`,
      `CREATE TABLE ${s}.airlock_audit_head (
        id integer PRIMARY KEY CHECK (id = 1),
        seq bigint NOT NULL,
        hash text NOT NULL
      )`,
      `INSERT INTO ${s}.airlock_audit_head (id, seq, hash) VALUES (1, 0, '${GENESIS_HASH}')`,
    ],
  },
  {
    version: 2,
    name: 'audit indexes for the dashboard: filters by action, actor and status in seq order; time ranges (covering the overview aggregates)',
    statements: (s) => [
      `CREATE INDEX airlock_audit_tenant_action ON ${s}.airlock_audit_events (tenant_id, action, seq)`,
      `CREATE INDEX airlock_audit_tenant_actor ON ${s}.airlock_audit_events (tenant_id, actor, seq)`,
      `CREATE INDEX airlock_audit_tenant_status ON ${s}.airlock_audit_events (tenant_id, status, seq)`,
      `CREATE INDEX airlock_audit_tenant_ts ON ${s}.airlock_audit_events (tenant_id, ts, status, action, actor, approval_id)`,
    ],
  },
  {
    version: 3,
    name: 'Merkle tree over the audit chain (head, perfect-subtree hashes) and signed checkpoints',
    statements: (s) => [
      `CREATE TABLE ${s}.airlock_merkle_head (
        id integer PRIMARY KEY CHECK (id = 1),
        size bigint NOT NULL,
        last_hash text NOT NULL
      )`,
      `INSERT INTO ${s}.airlock_merkle_head (id, size, last_hash) VALUES (1, 0, '${GENESIS_HASH}')`,
      `CREATE TABLE ${s}.airlock_merkle_nodes (
        level integer NOT NULL,
        idx bigint NOT NULL,
        hash bytea NOT NULL,
        PRIMARY KEY (level, idx)
      )`,
      `CREATE TABLE ${s}.airlock_checkpoints (
        origin text NOT NULL,
        size bigint NOT NULL,
        root text NOT NULL,
        note text NOT NULL,
        created_at text NOT NULL,
        PRIMARY KEY (origin, size)
      )`,
      `CREATE INDEX airlock_checkpoints_size ON ${s}.airlock_checkpoints (size)`,
    ],
  },
  {
    version: 4,
    name: 'kill-switch freezes; the policy version last announced to replicas',
    statements: (s) => [
      `CREATE TABLE ${s}.airlock_freezes (
        id text PRIMARY KEY,
        kind text NOT NULL,
        value text,
        reason text NOT NULL,
        created_by text NOT NULL,
        created_at text NOT NULL,
        lifted_by text,
        lifted_at text
      )`,
      `CREATE INDEX airlock_freezes_active ON ${s}.airlock_freezes (created_at) WHERE lifted_at IS NULL`,
      `CREATE TABLE ${s}.airlock_policy_head (
        id integer PRIMARY KEY CHECK (id = 1),
        hash text NOT NULL,
        version text NOT NULL,
        label text,
        announced_by text NOT NULL,
        announced_at text NOT NULL
      )`,
    ],
  },
  {
    version: 8,
    name: 'approvals by idempotency key (a retry finds what a dead attempt held); who claimed the channel notice',
    statements: (s) => [
      `CREATE INDEX airlock_approvals_idempotency
        ON ${s}.airlock_approvals (tenant_id, action, idempotency_key, created_at DESC, id DESC)
        WHERE idempotency_key IS NOT NULL`,
      `ALTER TABLE ${s}.airlock_approvals ADD COLUMN notice_claimed_at text`,
    ],
  },
  {
    version: 9,
    name: 'cursors of the audit shippers',
    statements: (s) => [
      `CREATE TABLE ${s}.airlock_shipper_cursors (
        name text PRIMARY KEY,
        seq bigint NOT NULL,
        updated_at text NOT NULL
      )`,
    ],
  },
  {
    version: 10,
    name: 'indexes for the approval requester filter, the audit decision filter and status within an action',
    statements: (s) => [
      `CREATE INDEX airlock_approvals_tenant_requester_created
        ON ${s}.airlock_approvals (tenant_id, requester, created_at DESC, id DESC)`,
      `CREATE INDEX airlock_audit_tenant_decision ON ${s}.airlock_audit_events (tenant_id, decision, seq)`,
      `CREATE INDEX airlock_audit_tenant_action_status ON ${s}.airlock_audit_events (tenant_id, action, status, seq)`,
    ],
  },
  {
    version: 12,
    name: 'airlock_write_batch: a whole batch of writes (claims, completions, audit events, chain head) in one call',
    statements: (s) => [writeBatchFunction(s)],
  },
  {
    version: 13,
    name: 'airlock_write_batch_linked: a batch in one call that links its audit events on the head inside the database; a claim may carry an event, written only if it takes its key fresh',
    statements: (s) => [linkedBatchFunction(s)],
  },
  {
    version: 14,
    name: 'in-flight idempotency claims by lease, for the purge of abandoned ones',
    statements: (s) => [
      `CREATE INDEX airlock_idempotency_abandoned ON ${s}.airlock_idempotency (lease_until) WHERE state = 'in_flight'`,
    ],
  },
]
