import { describe, expect, it } from 'vitest'
import { analyzeSql } from './sql-statements.js'

describe('analyzeSql', () => {
  it('reports nothing for a plain query', () => {
    expect(analyzeSql('SELECT id, name FROM users WHERE id = 1')).toEqual({
      ddl: null,
      deletes: false,
      unboundedUpdate: false,
    })
  })

  it('names the DDL keyword it found', () => {
    expect(analyzeSql('select 1; truncate logs').ddl).toBe('TRUNCATE')
  })

  it('reads dollar-quoted bodies as strings outside dynamic SQL', () => {
    expect(analyzeSql('SELECT $tag$DROP TABLE t$tag$').ddl).toBeNull()
  })

  it('reads E-strings with backslash escapes', () => {
    expect(analyzeSql("SELECT E'it\\'s'; DROP TABLE t").ddl).toBe('DROP')
  })

  it('treats MySQL `--` without a space as arithmetic, not a comment', () => {
    expect(analyzeSql('SELECT 1--1\n; DELETE FROM t').deletes).toBe(true)
    expect(analyzeSql('SELECT 1--1; DELETE FROM t').deletes).toBe(true)
  })

  it('handles unterminated strings and comments', () => {
    expect(() => analyzeSql("SELECT 'open")).not.toThrow()
    expect(analyzeSql('SELECT 1 /* DROP TABLE t').ddl).toBeNull()
  })
})

describe('analyzeSql on hostile input', () => {
  // A backtracking analyser would take exponential time here; the test's own
  // budget catches that without timing a machine that may be busy.
  it('finishes on deeply nested UPDATEs and fails toward escalation', { timeout: 20_000 }, () => {
    const text = `${'(UPDATE t SET a = 1 WHERE id = 2 '.repeat(5000)}${')'.repeat(5000)}`
    expect(analyzeSql(text).unboundedUpdate).toBe(true)
  })
})
