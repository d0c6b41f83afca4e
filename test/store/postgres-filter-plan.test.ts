// needs-services: postgres
/**
 * With a realistic amount of history (many tenants, actions and actors), the
 * PostgreSQL planner answers the audit filters and the approval list from the
 * indexes of migrations 2 and 10, not by reading the table.
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { approvalListQuery, auditListQuery, auditWindowQuery } from '../../src/store/internal/sql-query.js'
import { postgresStore } from '../../src/store/postgres/index.js'

const url = process.env.AIRLOCK_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test'
const schema = `airlock_plan_${randomBytes(4).toString('hex')}`
const pool = new pg.Pool({ connectionString: url, max: 2 })
const ROWS = 40_000

beforeAll(async () => {
  await postgresStore({ pool, schema }).migrate()
  // Rows are written directly: the plans depend on the data's shape, not on its hash chain.
  await pool.query(
    `INSERT INTO "${schema}".airlock_audit_events
       (seq, id, ts, tenant_id, request_id, status, action, actor, decision, approval_id, body, prev_hash, hash)
     SELECT i, 'evt-' || i, to_char(timestamp '2026-01-01' + i * interval '1 second', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
            't' || (i % 20), 'req-' || i, (ARRAY['allowed','executed','denied','held','failed'])[1 + i % 5],
            'action-' || (i % 50), 'actor-' || (i % 200), CASE WHEN i % 997 = 3 THEN 'deny' ELSE 'allow' END,
            NULL, '{}', '', ''
     FROM generate_series(1, ${ROWS}) AS i`,
  )
  await pool.query(
    `INSERT INTO "${schema}".airlock_approvals
       (id, tenant_id, action, target, requester, requester_roles, status, decision, reason, rule, risk_class,
        effective_risk, inputs, sealed_inputs, request_id, required_approvals, votes, created_at, expires_at)
     SELECT 'apr-' || i, 't' || (i % 20), 'action-' || (i % 50), NULL, 'actor-' || (i % 200), '[]',
            (ARRAY['pending','approved','rejected','expired'])[1 + i % 4], 'require_approval', '', NULL, 'high',
            'high', NULL, '', 'req-' || i, 1, '[]',
            to_char(timestamp '2026-01-01' + i * interval '1 second', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), '2027-01-01T00:00:00Z'
     FROM generate_series(1, ${ROWS}) AS i`,
  )
  await pool.query(`ANALYZE "${schema}".airlock_audit_events`)
  await pool.query(`ANALYZE "${schema}".airlock_approvals`)
})

afterAll(async () => {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await pool.end()
})

async function plan(sql: string, params: readonly unknown[]): Promise<string> {
  const { rows } = await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, [...params])
  return rows.map((r) => r['QUERY PLAN']).join('\n')
}

function auditPlan(filter: Record<string, string>): Promise<string> {
  const q = auditListQuery(
    `"${schema}".airlock_audit_events`,
    { tenant_id: 't3', ...filter },
    50,
    null,
    (i) => `$${i}`,
    (f) => `(body::jsonb) ->> '${f}'`,
    ROWS - 9_999,
  )
  return plan(q.sql, q.params)
}

describe('PostgreSQL query plans of the API filters', () => {
  it.each([
    ['actor', { actor: 'actor-3' }, 'airlock_audit_tenant_actor'],
    ['action', { action: 'action-3' }, 'airlock_audit_tenant_action'],
    ['status', { status: 'denied' }, 'airlock_audit_tenant_status'],
    ['decision', { decision: 'deny' }, 'airlock_audit_tenant_decision'],
    [
      'status within an action',
      { action: 'action-3', status: 'denied' },
      'airlock_audit_tenant_action_status',
    ],
  ])('answers an audit filter on %s from its index', async (_what, filter, index) => {
    const detail = await auditPlan(filter)
    expect(detail).toContain(index)
    expect(detail).not.toMatch(/Seq Scan/)
  })

  it("finds where a filtered page's window starts from the tenant index", async () => {
    const q = auditWindowQuery(
      `"${schema}".airlock_audit_events`,
      { tenant_id: 't3', actor: 'a' },
      null,
      (i) => `$${i}`,
    )
    const detail = await plan(q!.sql, q!.params)
    expect(detail).toMatch(/(using|on) airlock_audit_tenant /)
    expect(detail).not.toMatch(/Seq Scan/)
  })

  it('answers the approval list of one requester from the requester index', async () => {
    const q = approvalListQuery(
      `"${schema}".airlock_approvals`,
      't3',
      { limit: 50, requester: 'actor-3' },
      (i) => `$${i}`,
    )
    const detail = await plan(q.sql, q.params)
    expect(detail).toContain('airlock_approvals_tenant_requester_created')
    expect(detail).not.toMatch(/Seq Scan/)
  })

  it('answers the pending approvals of a tenant from the status index', async () => {
    const q = approvalListQuery(
      `"${schema}".airlock_approvals`,
      't3',
      { limit: 50, status: 'pending' },
      (i) => `$${i}`,
    )
    const detail = await plan(q.sql, q.params)
    expect(detail).toContain('airlock_approvals_tenant_status_created')
    expect(detail).not.toMatch(/Seq Scan/)
  })
})
