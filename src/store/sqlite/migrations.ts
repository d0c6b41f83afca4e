import { GENESIS_HASH } from '../../audit/hash-chain.js'

/** One versioned schema change. Versions only ever grow; a released migration is never edited. */
export interface SqliteMigration {
  readonly version: number
  readonly name: string
  readonly statements: readonly string[]
}

/** Every migration, oldest first. */
export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    name: 'approvals, idempotency, nonces, audit chain',
    statements: [
      `CREATE TABLE airlock_approvals (
        id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT,
        requester TEXT NOT NULL,
        requester_roles TEXT NOT NULL,
        status TEXT NOT NULL,
        decision TEXT NOT NULL,
        reason TEXT NOT NULL,
        rule TEXT,
        risk_class TEXT NOT NULL,
        effective_risk TEXT NOT NULL,
        inputs TEXT,
        sealed_inputs TEXT NOT NULL,
        idempotency_key TEXT,
        ticket_id TEXT,
        request_id TEXT NOT NULL,
        required_approvals INTEGER NOT NULL,
        votes TEXT NOT NULL,
        decided_by TEXT,
        comment TEXT,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        decided_at TEXT,
        completed_at TEXT,
        outcome TEXT
      )`,
      'CREATE INDEX airlock_approvals_tenant_created ON airlock_approvals (tenant_id, created_at DESC, id DESC)',
      `CREATE INDEX airlock_approvals_tenant_status_created
        ON airlock_approvals (tenant_id, status, created_at DESC, id DESC)`,
      `CREATE INDEX airlock_approvals_pending_expiry ON airlock_approvals (expires_at) WHERE status = 'pending'`,
      `CREATE TABLE airlock_idempotency (
        tenant_id TEXT NOT NULL,
        action TEXT NOT NULL,
        idem_key TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        owner TEXT NOT NULL,
        state TEXT NOT NULL,
        lease_until TEXT NOT NULL,
        outcome TEXT,
        expires_at TEXT,
        recovered INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, action, idem_key)
      )`,
      `CREATE INDEX airlock_idempotency_retention ON airlock_idempotency (expires_at) WHERE state = 'completed'`,
      'CREATE TABLE airlock_nonces (nonce TEXT PRIMARY KEY, expires_at TEXT NOT NULL)',
      'CREATE INDEX airlock_nonces_expiry ON airlock_nonces (expires_at)',
      `CREATE TABLE airlock_audit_events (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        ts TEXT NOT NULL,
        tenant_id TEXT NOT NULL,
        request_id TEXT NOT NULL,
        status TEXT NOT NULL,
        action TEXT NOT NULL,
        actor TEXT NOT NULL,
        decision TEXT,
        approval_id TEXT,
        body TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      )`,
      'CREATE INDEX airlock_audit_tenant ON airlock_audit_events (tenant_id, seq)',
      'CREATE INDEX airlock_audit_request ON airlock_audit_events (request_id)',
      'CREATE INDEX airlock_audit_approval ON airlock_audit_events (approval_id) WHERE approval_id IS NOT NULL',
      `CREATE TABLE airlock_audit_head (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        seq INTEGER NOT NULL,
        hash TEXT NOT NULL
      )`,
      `INSERT INTO airlock_audit_head (id, seq, hash) VALUES (1, 0, '${GENESIS_HASH}')`,
    ],
  },
  {
    version: 2,
    name: 'audit indexes for the dashboard: filters by action, actor and status in seq order; time ranges (covering the overview aggregates)',
    statements: [
      'CREATE INDEX airlock_audit_tenant_action ON airlock_audit_events (tenant_id, action, seq)',
      'CREATE INDEX airlock_audit_tenant_actor ON airlock_audit_events (tenant_id, actor, seq)',
      'CREATE INDEX airlock_audit_tenant_status ON airlock_audit_events (tenant_id, status, seq)',
      'CREATE INDEX airlock_audit_tenant_ts ON airlock_audit_events (tenant_id, ts, status, action, actor, approval_id)',
    ],
  },
  {
    version: 3,
    name: 'Merkle tree over the audit chain (head, perfect-subtree hashes) and signed checkpoints',
    statements: [
      `CREATE TABLE airlock_merkle_head (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        size INTEGER NOT NULL,
        last_hash TEXT NOT NULL
      )`,
      `INSERT INTO airlock_merkle_head (id, size, last_hash) VALUES (1, 0, '${GENESIS_HASH}')`,
      `CREATE TABLE airlock_merkle_nodes (
        level INTEGER NOT NULL,
        idx INTEGER NOT NULL,
        hash BLOB NOT NULL,
        PRIMARY KEY (level, idx)
      ) WITHOUT ROWID`,
      `CREATE TABLE airlock_checkpoints (
        origin TEXT NOT NULL,
        size INTEGER NOT NULL,
        root TEXT NOT NULL,
        note TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (origin, size)
      )`,
      'CREATE INDEX airlock_checkpoints_size ON airlock_checkpoints (size)',
    ],
  },
  {
    version: 4,
    name: 'kill-switch freezes; the policy version last announced to replicas',
    statements: [
      `CREATE TABLE airlock_freezes (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        value TEXT,
        reason TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        lifted_by TEXT,
        lifted_at TEXT
      )`,
      'CREATE INDEX airlock_freezes_active ON airlock_freezes (created_at) WHERE lifted_at IS NULL',
      `CREATE TABLE airlock_policy_head (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        hash TEXT NOT NULL,
        version TEXT NOT NULL,
        label TEXT,
        announced_by TEXT NOT NULL,
        announced_at TEXT NOT NULL
      )`,
    ],
  },
  {
    version: 8,
    name: 'approvals by idempotency key (a retry finds what a dead attempt held); who claimed the channel notice',
    statements: [
      `CREATE INDEX airlock_approvals_idempotency
        ON airlock_approvals (tenant_id, action, idempotency_key, created_at DESC, id DESC)
        WHERE idempotency_key IS NOT NULL`,
      'ALTER TABLE airlock_approvals ADD COLUMN notice_claimed_at TEXT',
    ],
  },
  {
    version: 9,
    name: 'cursors of the audit shippers',
    statements: [
      `CREATE TABLE airlock_shipper_cursors (
        name TEXT PRIMARY KEY,
        seq INTEGER NOT NULL,
        updated_at TEXT NOT NULL
      )`,
    ],
  },
  {
    version: 10,
    name: 'indexes for the approval requester filter, the audit decision filter and status within an action',
    statements: [
      'CREATE INDEX airlock_approvals_tenant_requester_created ON airlock_approvals (tenant_id, requester, created_at DESC, id DESC)',
      'CREATE INDEX airlock_audit_tenant_decision ON airlock_audit_events (tenant_id, decision, seq)',
      'CREATE INDEX airlock_audit_tenant_action_status ON airlock_audit_events (tenant_id, action, status, seq)',
    ],
  },
  {
    version: 11,
    name: "one index in seq order carrying every filter column, in place of the tenant's six filter indexes",
    // Every filtered page scans at most a window of the tenant's newest
    // 10,000 events (audit-scan-window.ts), so an index per filter saved
    // little at read time, while each one cost every commit pages of its own:
    // the six made up 44% of the pages an audited request wrote. One index
    // in seq order that holds the filter columns answers the same pages from
    // the index, reading the table only for the rows that match.
    statements: [
      'CREATE INDEX airlock_audit_tenant_filters ON airlock_audit_events (tenant_id, seq, status, action, actor, decision, ts)',
      'DROP INDEX airlock_audit_tenant',
      'DROP INDEX airlock_audit_tenant_action',
      'DROP INDEX airlock_audit_tenant_actor',
      'DROP INDEX airlock_audit_tenant_status',
      'DROP INDEX airlock_audit_tenant_decision',
      'DROP INDEX airlock_audit_tenant_action_status',
    ],
  },
  {
    version: 12,
    name: 'in-flight idempotency claims by lease, for the purge of abandoned ones',
    statements: [
      `CREATE INDEX airlock_idempotency_abandoned ON airlock_idempotency (lease_until) WHERE state = 'in_flight'`,
    ],
  },
]
