/**
 * The audit filters an API caller can set (actor, action, status, decision,
 * time) and the approval list are answered from an index, not by scanning
 * the tenant's whole history.
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
    ['decision', { decision: 'deny' as const }],
    ['status within an action', { action: 'refund', status: 'denied' as const }],
    ['time range', { since: '2026-01-01T00:00:00Z', until: '2026-02-01T00:00:00Z' }],
  ])('answers an audit filter on %s from the one filter index, in seq order', async (_what, filter) => {
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
    const detail = plan(database, q.sql, q.params)
    expect(detail).toMatch(/USING INDEX airlock_audit_tenant_filters \(tenant_id=\? AND seq>\?\)/)
    // No sort: the index gives the page in seq order.
    expect(detail).not.toMatch(/TEMP B-TREE/)
  })

  it('reads the filter columns from the index and the table only for the rows a page returns', async () => {
    const database = await migrated()
    const q = auditListQuery(
      'airlock_audit_events',
      { tenant_id: 'acme', action: 'refund', actor: 'bot', status: 'denied', decision: 'deny' },
      50,
      null,
      () => '?',
      (f) => `json_extract(body, '$.${f}')`,
      1,
    )
    const ops = database
      .prepare(`EXPLAIN ${q.sql}`)
      .all(...q.params)
      .map((r) => (r as { opcode: string }).opcode)
    // A deferred seek moves to the table row only when a column of the table itself is read.
    expect(ops).toContain('DeferredSeek')
    expect(ops).not.toContain('SeekRowid')
  })

  it('keeps no index of its own per filter column, so an append writes to one filter index', async () => {
    const database = await migrated()
    const indexes = (
      database
        .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'airlock_audit_events'")
        .all() as { name: string }[]
    ).map((r) => r.name)
    expect(indexes.filter((name) => !name.startsWith('sqlite_autoindex')).sort()).toEqual([
      'airlock_audit_approval',
      'airlock_audit_request',
      'airlock_audit_tenant_filters',
      'airlock_audit_tenant_ts',
    ])
  })

  it("finds where a filtered page's window starts from the filter index alone", async () => {
    const database = await migrated()
    const q = auditWindowQuery('airlock_audit_events', { tenant_id: 'acme', action: 'x' }, null, () => '?')
    expect(q).not.toBeNull()
    expect(plan(database, q!.sql, q!.params)).toMatch(/USING COVERING INDEX airlock_audit_tenant_filters /)
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
