import { describe, expect, it } from 'vitest'
import type { PolicyRequest } from '../policy-rule.js'
import { safeDatabase } from './safe-database.js'

function evaluate(action: string, args: Record<string, unknown>) {
  const request = { action, args, now: new Date(0) } as unknown as PolicyRequest
  const rules = [...safeDatabase()].sort((a, b) => b.priority - a.priority)
  for (const rule of rules) {
    if (rule.actions.kind === 'test' && !rule.actions.test(action)) continue
    const verdict = rule.evaluate(request)
    if (verdict) return verdict
  }
  return null
}
const sql = (query: string) => evaluate('run_sql', { query })

describe('safe_database', () => {
  it('keeps the original rule names and mapped priorities', () => {
    expect(safeDatabase().map((r) => [r.name, r.priority])).toEqual([
      ['block-ddl', 90],
      ['escalate-delete', 80],
      ['escalate-update-no-where', 80],
    ])
  })

  it.each(['sql', 'execute_sql', 'Query', 'database_exec', 'db', 'postgres_query', 'mysqlRun'])(
    'applies to the tool %s',
    (tool) => {
      expect(evaluate(tool, { query: 'DROP TABLE users' })?.rule).toBe('block-ddl')
    },
  )

  it('does not apply to other tools', () => {
    expect(evaluate('send_email', { body: 'DROP TABLE users' })).toBeNull()
  })

  describe('block-ddl', () => {
    it.each([
      'DROP TABLE users',
      'drop table if exists users cascade',
      'TRUNCATE logs',
      'truncate table logs',
      'ALTER TABLE users ADD COLUMN x int',
      'CREATE INDEX i ON t (c)',
      'CREATE TABLE t (id int)',
      'DROP VIEW v',
      'DROP USER bob',
      'DROP DATABASE prod',
      'DROP SCHEMA public CASCADE',
      'GRANT SELECT ON t TO bob',
      'REVOKE ALL ON t FROM bob',
      'RENAME TABLE a TO b',
      'DROP/**/TABLE users',
      'DROP/* a /* nested */ comment */TABLE users',
      'SELECT 1;\nDROP TABLE users;',
      '/*!50000 DROP TABLE users */',
      "SELECT 'a\\'; DROP TABLE users; -- '",
      'SELECT 1 # x\nDROP TABLE users',
      "DO $$ BEGIN EXECUTE 'DROP TABLE users'; END $$",
      "EXECUTE format('TRUNCATE %I', 'logs')",
    ])('denies %j', (query) => {
      expect(sql(query)).toMatchObject({ decision: 'deny', rule: 'block-ddl' })
    })

    it.each([
      "SELECT 'DROP TABLE users'",
      'SELECT * FROM t -- DROP TABLE t',
      'SELECT created_at, altered FROM t /* drop */',
      'SELECT "drop" FROM t',
      'SELECT TRUNCATE(price, 2) FROM products',
      "INSERT INTO notes (body) VALUES ('please truncate the table')",
    ])('allows %j', (query) => {
      expect(sql(query)).toBeNull()
    })
  })

  describe('escalate-delete', () => {
    it.each([
      'DELETE FROM t WHERE id = 1',
      'delete from t',
      'DELETE  t FROM t JOIN u ON t.id = u.id',
      'WITH gone AS (DELETE FROM t RETURNING *) SELECT count(*) FROM gone',
      'SELECT 1; DELETE FROM sessions',
    ])('holds %j for approval', (query) => {
      expect(sql(query)).toMatchObject({ decision: 'require_approval', rule: 'escalate-delete' })
    })

    it('ignores DELETE in strings and comments', () => {
      expect(sql("SELECT 'DELETE FROM t' -- DELETE FROM t")).toBeNull()
    })
  })

  describe('escalate-update-no-where', () => {
    it.each([
      'UPDATE users SET admin = true',
      'update public.users set admin = true',
      'UPDATE "users" SET admin = true',
      "UPDATE t SET note = 'WHERE'",
      'UPDATE t SET a = 1 -- WHERE id = 1',
      'UPDATE t SET a = 1 WHERE 1=1',
      'UPDATE t SET a = 1 WHERE id = 5 OR TRUE',
      "UPDATE t SET a = 1 WHERE 'x' = 'x'",
      'WITH x AS (SELECT 1) UPDATE t SET a = 1',
      'UPDATE t SET a = (SELECT b FROM u WHERE u.id = 1)',
    ])('holds %j for approval', (query) => {
      expect(sql(query)).toMatchObject({ decision: 'require_approval', rule: 'escalate-update-no-where' })
    })

    it.each([
      'UPDATE users\nSET name = $1\nWHERE id = $2',
      'UPDATE t SET a = 1 WHERE id IN (SELECT id FROM u)',
      'SELECT * FROM t FOR UPDATE',
      'INSERT INTO t VALUES (1) ON DUPLICATE KEY UPDATE a = 2',
    ])('allows %j', (query) => {
      expect(sql(query)).toBeNull()
    })
  })

  it('reads only the SQL argument when one is named', () => {
    expect(evaluate('sql', { query: 'SELECT 1', note: 'drop table later' })).toBeNull()
    expect(evaluate('sql', { text: 'DROP TABLE t' })?.rule).toBe('block-ddl')
  })
})
