/**
 * The audit filters an API caller can set (actor, action, status) and the
 * approval list are answered from an index, not by scanning the tenant's
 * whole history.
 */
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { approvalListQuery, auditListQuery, auditWindowQuery } from '../../src/store/internal/sql-query.js'
import { sqliteStore } from '../../src/store/sqlite/index.js'

async function migrated() {
  const database = new Database(':memory:')
  const store = sqliteStore({ database })
  await store.migrate()
  return database
}

function plan(database: Database.Database, sql: string, params: readonly unknown[]): string {
  const rows = database.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]
  return rows.map((r) => r.detail).join('\n')
}

describe('SQLite query plans of the API filters', () => {
  for (const field of ['actor', 'action', 'status'] as const) {
    it(`answers an audit filter on ${field} from an index`, async () => {
      const database = await migrated()
      const q = auditListQuery(
        'airlock_audit_events',
        { tenant_id: 'acme', [field]: field === 'status' ? 'executed' : 'x' },
        50,
        null,
        () => '?',
        (f) => `json_extract(body, '$.${f}')`,
        1,
      )
      const detail = plan(database, q.sql, q.params)
      expect(detail).toMatch(/USING (COVERING )?INDEX/)
      expect(detail).not.toMatch(/SCAN airlock_audit_events(?! USING)/)
    })
  }

  it.each([
    ['decision', { decision: 'deny' as const }, 'airlock_audit_tenant_decision'],
    [
      'status within an action',
      { action: 'refund', status: 'denied' as const },
      'airlock_audit_tenant_action_status',
    ],
  ])('answers an audit filter on %s from its own index', async (_what, filter, index) => {
    const database = await migrated()
    const q = auditListQuery(
      'airlock_audit_events',
      { tenant_id: 'acme', ...filter },
      50,
      null,
      () => '?',
      (f) => `json_extract(body, '$.${f}')`,
      1,
    )
    expect(plan(database, q.sql, q.params)).toMatch(new RegExp(`USING (COVERING )?INDEX ${index} `))
  })

  it("finds where a filtered page's window starts from the tenant index alone", async () => {
    const database = await migrated()
    const q = auditWindowQuery('airlock_audit_events', { tenant_id: 'acme', action: 'x' }, null, () => '?')
    expect(q).not.toBeNull()
    expect(plan(database, q!.sql, q!.params)).toMatch(/USING COVERING INDEX airlock_audit_tenant /)
  })

  it('answers the approval list of one requester from an index', async () => {
    const database = await migrated()
    const q = approvalListQuery('airlock_approvals', 'acme', { limit: 50, requester: 'alice' }, () => '?')
    expect(plan(database, q.sql, q.params)).toMatch(
      /USING (COVERING )?INDEX airlock_approvals_tenant_requester/,
    )
  })

  it('answers the approval list of a tenant from an index', async () => {
    const database = await migrated()
    const q = approvalListQuery('airlock_approvals', 'acme', { limit: 50, status: 'pending' }, () => '?')
    expect(plan(database, q.sql, q.params)).toMatch(/USING (COVERING )?INDEX/)
  })
})
