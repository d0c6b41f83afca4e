import { describe, expect, it } from 'vitest'
import type { DecisionResult } from '../decision.js'
import type { PolicyRequest, PolicyRule } from '../policy-rule.js'
import { type PolicyTemplateName, policyTemplate } from './index.js'

/** Evaluates `rules` the way the engine does: highest priority first, first verdict wins. */
function decide(rules: readonly PolicyRule[], action: string, args: Record<string, unknown>) {
  const request: PolicyRequest = {
    action,
    definition: undefined,
    args,
    target_id: null,
    target: undefined,
    caller: undefined,
    risk_class: 'low',
    effective_risk: 'low',
    ticket_id: null,
    now: new Date(0),
  }
  const ordered = [...rules].sort((a, b) => b.priority - a.priority)
  for (const rule of ordered) {
    const applies =
      rule.actions.kind === 'any' ||
      (rule.actions.kind === 'names' ? rule.actions.names.includes(action) : rule.actions.test(action))
    const verdict = applies ? rule.evaluate(request) : null
    if (verdict !== null) return verdict
  }
  return { decision: 'allow' as DecisionResult, rule: '(none)', reason: 'no rule matched' }
}

type Row = readonly [
  template: PolicyTemplateName,
  tool: string,
  args: Record<string, unknown>,
  decision: DecisionResult,
  rule: string,
]

const sh = (command: string) => ({ command })
const url = (u: string) => ({ url: u })
const sql = (query: string) => ({ query })

// Every bypass of the original templates, with what Airlock decides now.
const CLOSED_BYPASSES: readonly Row[] = [
  ['safe_coding', 'bash', sh('git push -f origin main'), 'deny', 'no-force-push-main'],
  ['safe_coding', 'bash', sh('git push origin +main'), 'deny', 'no-force-push-main'],
  ['safe_coding', 'bash', sh('git push --force-with-lease origin main'), 'deny', 'no-force-push-main'],
  ['safe_coding', 'bash', sh('GIT PUSH --FORCE origin MAIN'), 'deny', 'no-force-push-main'],
  ['safe_coding', 'bash', sh('git push --force origin HEAD:refs/heads/master'), 'deny', 'no-force-push-main'],
  ['safe_coding', 'bash', sh('git push -f'), 'deny', 'no-destructive-git'],
  ['safe_coding', 'bash', sh('rm -Rf /'), 'require_approval', 'no-rm-rf'],
  ['safe_coding', 'bash', sh('rm -r -f build'), 'require_approval', 'no-rm-rf'],
  ['safe_coding', 'bash', sh('rm --recursive --force build'), 'require_approval', 'no-rm-rf'],
  ['safe_coding', 'shell', sh('git reset --hard HEAD~3'), 'deny', 'no-destructive-git'],
  ['safe_coding', 'Bash', sh('git push --force origin main'), 'deny', 'no-force-push-main'],
  ['safe_coding', 'terminal', sh('git clean -fdx'), 'deny', 'no-destructive-git'],
  ['safe_coding', 'exec', sh('git branch -D feature'), 'deny', 'no-destructive-git'],
  ['safe_coding', 'run_command', sh('git commit --no-verify -m wip'), 'deny', 'no-skip-hooks'],
  ['safe_coding', 'run_shell_command', sh('rm -rf node_modules'), 'require_approval', 'no-rm-rf'],
  ['safe_coding', 'sh', sh('cd repo && sudo git push -f origin main'), 'deny', 'no-force-push-main'],
  ['safe_coding', 'bash', sh('bash -c "git push --force origin main"'), 'deny', 'no-force-push-main'],
  ['safe_coding', 'write_file', { path: '/tmp/../etc/passwd', content: 'x' }, 'deny', 'no-system-file-write'],
  ['safe_coding', 'write_file', { path: 'etc/passwd', content: 'x' }, 'deny', 'no-system-file-write'],
  ['safe_coding', 'write_file', { path: '//etc/passwd', content: 'x' }, 'deny', 'no-system-file-write'],
  ['safe_coding', 'file_write', { path: '/tmp/ok', file_path: '/etc/hosts' }, 'deny', 'no-system-file-write'],
  ['safe_coding', 'edit', { paths: ['/tmp/a', '/usr/bin/ls'] }, 'deny', 'no-system-file-write'],
  ['safe_coding', 'read_file', { path: '/app/.ENV' }, 'require_approval', 'no-credential-access'],
  ['safe_coding', 'bash', sh('cat ~/.aws/credentials'), 'require_approval', 'no-credential-access'],

  ['safe_browsing', 'http_request', url('http://LOCALHOST/admin'), 'deny', 'block-internal-urls'],
  ['safe_browsing', 'http_request', url('http://127.1/'), 'deny', 'block-internal-urls'],
  ['safe_browsing', 'http_request', url('http://2130706433/'), 'deny', 'block-internal-urls'],
  ['safe_browsing', 'http_request', url('http://0x7f000001/'), 'deny', 'block-internal-urls'],
  ['safe_browsing', 'http_request', url('http://[::1]:8080/'), 'deny', 'block-internal-urls'],
  ['safe_browsing', 'http_request', url('http://[0:0:0:0:0:0:0:1]/'), 'deny', 'block-internal-urls'],
  ['safe_browsing', 'http_request', url('http://0.0.0.0:9000/'), 'deny', 'block-internal-urls'],
  ['safe_browsing', 'http_request', url('http://10.1.2.3/'), 'deny', 'block-internal-urls'],
  ['safe_browsing', 'http_request', url('http://172.20.0.5/'), 'deny', 'block-internal-urls'],
  ['safe_browsing', 'http_request', url('http://192.168.1.1/'), 'deny', 'block-internal-urls'],
  [
    'safe_browsing',
    'http_request',
    url('http://169.254.169.254/latest/meta-data/'),
    'deny',
    'block-internal-urls',
  ],
  [
    'safe_browsing',
    'web_fetch',
    url('http://metadata.google.internal/computeMetadata/v1/'),
    'deny',
    'block-internal-urls',
  ],
  ['safe_browsing', 'http_get', url('http://[::ffff:127.0.0.1]/'), 'deny', 'block-internal-urls'],
  ['safe_browsing', 'fetch', url('http://user@example.com@127.0.0.1/'), 'deny', 'block-internal-urls'],
  ['safe_browsing', 'browse', url('FILE:///etc/passwd'), 'deny', 'block-file-protocol'],
  ['safe_browsing', 'browse', url('file:/etc/passwd'), 'deny', 'block-file-protocol'],
  ['safe_browsing', 'bash', sh('curl -s http://169.254.169.254/'), 'deny', 'block-internal-urls'],

  ['safe_database', 'sql', sql('TRUNCATE logs'), 'deny', 'block-ddl'],
  ['safe_database', 'sql', sql('DROP VIEW active_users'), 'deny', 'block-ddl'],
  ['safe_database', 'sql', sql('drop user bob'), 'deny', 'block-ddl'],
  ['safe_database', 'sql', sql('DROP/**/TABLE users'), 'deny', 'block-ddl'],
  ['safe_database', 'run_query', sql('GRANT ALL ON users TO public'), 'deny', 'block-ddl'],
  ['safe_database', 'query', sql('SELECT 1; DROP TABLE users'), 'deny', 'block-ddl'],
  ['safe_database', 'db', sql('DELETE  t FROM t'), 'require_approval', 'escalate-delete'],
  [
    'safe_database',
    'sql',
    sql('UPDATE public.users SET admin = true'),
    'require_approval',
    'escalate-update-no-where',
  ],
  [
    'safe_database',
    'sql',
    sql('UPDATE "users" SET admin = true'),
    'require_approval',
    'escalate-update-no-where',
  ],
  [
    'safe_database',
    'sql',
    sql("UPDATE t SET note = 'WHERE'"),
    'require_approval',
    'escalate-update-no-where',
  ],

  ['strict', 'send_emails', {}, 'deny', 'deny-everything-else'],
  ['strict', 'delete_catalog', {}, 'deny', 'deny-everything-else'],
  ['strict', 'overwrite_readme', {}, 'deny', 'deny-everything-else'],
  ['strict', 'thread_delete', {}, 'deny', 'deny-everything-else'],
  ['strict', 'write_headers', {}, 'deny', 'deny-everything-else'],
  ['strict', 'delete_all_tools', {}, 'deny', 'deny-everything-else'],
  ['strict', 'deploy', {}, 'deny', 'deny-everything-else'],
]

// Calls the original templates got wrong the other way, or that must stay untouched.
const NOT_BLOCKED: readonly Row[] = [
  ['safe_coding', 'bash', sh("echo 'git push --force origin main'"), 'allow', '(none)'],
  ['safe_coding', 'bash', sh('git commit -m "explain --no-verify in docs"'), 'allow', '(none)'],
  ['safe_coding', 'bash', sh('git push origin main'), 'allow', '(none)'],
  ['safe_coding', 'bash', sh('rm -f build.log'), 'allow', '(none)'],
  ['safe_coding', 'write_file', { path: '/home/me/project/etc/config.yaml' }, 'allow', '(none)'],
  ['safe_coding', 'read_file', { path: '/etc/hosts' }, 'allow', '(none)'],
  ['safe_browsing', 'http_request', url('https://example.com/?next=localhost'), 'allow', '(none)'],
  ['safe_browsing', 'http_request', url('https://8.8.8.8/'), 'allow', '(none)'],
  ['safe_database', 'sql', sql('UPDATE users\nSET name = $1\nWHERE id = $2'), 'allow', '(none)'],
  ['safe_database', 'sql', sql("SELECT 'DROP TABLE users' AS text"), 'allow', '(none)'],
  ['safe_database', 'sql', sql('SELECT created_at, updated_by FROM audit -- DROP TABLE'), 'allow', '(none)'],
  ['strict', 'read_file', {}, 'allow', 'allow-read-only'],
  ['strict', 'Grep', {}, 'allow', 'allow-read-only'],
  ['strict', 'list_directory', {}, 'allow', 'allow-read-only'],
]

describe('template bypasses of the original rule sets', () => {
  it.each(CLOSED_BYPASSES)('%s: %s %j → %s by %s', (template, tool, args, decision, rule) => {
    expect(decide(policyTemplate(template), tool, args)).toMatchObject({ decision, rule })
  })
})

describe('template false positives', () => {
  it.each(NOT_BLOCKED)('%s: %s %j → %s', (template, tool, args, decision, rule) => {
    expect(decide(policyTemplate(template), tool, args)).toMatchObject({ decision, rule })
  })
})
