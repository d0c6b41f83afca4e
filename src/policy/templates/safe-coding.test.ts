import { describe, expect, it } from 'vitest'
import type { PolicyRequest } from '../policy-rule.js'
import { safeCoding } from './safe-coding.js'

function evaluate(action: string, args: Record<string, unknown>) {
  const request = { action, args, now: new Date(0) } as unknown as PolicyRequest
  const rules = [...safeCoding()].sort((a, b) => b.priority - a.priority)
  for (const rule of rules) {
    if (rule.actions.kind === 'test' && !rule.actions.test(action)) continue
    const verdict = rule.evaluate(request)
    if (verdict) return verdict
  }
  return null
}
const bash = (command: string) => evaluate('bash', { command })

describe('safe_coding', () => {
  it('keeps the original rule names, with priorities mapped as 100 - p and denies first at equal priority', () => {
    expect(safeCoding().map((r) => [r.name, r.priority])).toEqual([
      ['no-force-push-main', 95],
      ['no-destructive-git', 90],
      ['no-system-file-write', 90],
      ['no-skip-hooks', 90],
      ['no-rm-rf', 90],
      ['no-credential-access', 80],
    ])
  })

  describe('no-force-push-main', () => {
    it.each([
      'git push --force origin main',
      'git push origin master --force',
      'git -C repo push -f origin feature:main',
      'git push --force-with-lease=main origin main',
      'git push origin +refs/heads/*:refs/heads/*',
      'git push --mirror origin',
      'git push --all -f origin',
      'env GIT_TRACE=1 /usr/bin/git push --forc origin main',
      'echo start; $(git push -f origin main)',
      "git push $'-\\x66' origin main",
    ])('denies %s', (command) => {
      expect(bash(command)).toMatchObject({ decision: 'deny', rule: 'no-force-push-main' })
    })
  })

  describe('no-destructive-git', () => {
    it.each([
      'git push --force origin feature',
      'git push origin +feature',
      'git push origin --delete feature',
      'git push origin :feature',
      'git reset --hard',
      'git reset --ha origin/main',
      'git clean -f',
      'git clean -d -x',
      'git clean --force',
      'git branch -D old',
      'git branch --delete --force old',
      'find . -name x -exec git reset --hard \\;',
    ])('denies %s', (command) => {
      expect(bash(command)).toMatchObject({ decision: 'deny', rule: 'no-destructive-git' })
    })

    it.each(['git reset --soft HEAD~1', 'git clean -n', 'git branch -d merged', 'git push origin feature'])(
      'allows %s',
      (command) => {
        expect(bash(command)).toBeNull()
      },
    )
  })

  describe('no-skip-hooks', () => {
    it.each([
      'git commit --no-verify -m x',
      'git commit -n -m x',
      'git commit -am wip --no-gpg-sign',
      'git push --no-verify origin feature',
      'git -c core.hooksPath=/dev/null commit -m x',
      'git -c commit.gpgsign=false commit -m x',
      'HUSKY=0 git commit -m x',
    ])('denies %s', (command) => {
      expect(bash(command)).toMatchObject({ decision: 'deny', rule: 'no-skip-hooks' })
    })

    it('reads a commit message as a message, not as flags', () => {
      expect(bash("git commit -m '--no-verify -n'")).toBeNull()
    })
  })

  describe('no-rm-rf', () => {
    it.each([
      'rm -rf dist',
      'rm -fr dist',
      'rm -R dist',
      'rm --recursive dist',
      'sudo rm -r /var/tmp/cache',
      'ls | xargs rm -rf',
      'find . -name "*.pyc" -delete',
      'sh -c "rm -rf ~"',
    ])('holds %s for approval', (command) => {
      expect(bash(command)).toMatchObject({ decision: 'require_approval', rule: 'no-rm-rf' })
    })

    it('lets a system-path deny win over the recursive-delete escalation', () => {
      expect(bash('rm -rf /etc')).toMatchObject({ decision: 'deny', rule: 'no-system-file-write' })
    })

    it('ignores rm in quoted text', () => {
      expect(bash('echo "rm -rf /"')).toBeNull()
    })
  })

  describe('no-system-file-write', () => {
    it.each([
      ['write_file', { path: '/etc/ssh/sshd_config' }],
      ['edit', { file_path: '/usr/local/bin/tool' }],
      ['str_replace_based_edit_tool', { path: '/boot/grub/grub.cfg' }],
      ['create_file', { filePath: '/sys/kernel/x' }],
      ['multi_edit', { path: '/ETC/passwd' }],
      ['write_file', { path: '../../../../etc/cron.d/job' }],
      ['file_write', { path: '/etc' }],
    ])('denies %s %j', (tool, args) => {
      expect(evaluate(tool, args)).toMatchObject({ decision: 'deny', rule: 'no-system-file-write' })
    })

    it.each([
      'echo x > /etc/hosts',
      'echo x >> //etc/hosts',
      'tee -a /etc/profile < x',
      'cp evil /usr/bin/ls',
      'sudo sed -i s/a/b/ /etc/ssh/sshd_config',
      'chmod 777 /etc/shadow',
      'dd if=/dev/zero of=/boot/vmlinuz',
      'mv ../../../../etc/passwd /tmp/p',
    ])('denies the shell write %s', (command) => {
      expect(bash(command)).toMatchObject({ decision: 'deny', rule: 'no-system-file-write' })
    })

    it.each(['cat /etc/hosts', 'cp /etc/hosts ./hosts.bak', 'echo ok > /dev/null', 'mkdir -p build/etc'])(
      'allows %s',
      (command) => {
        expect(bash(command)).toBeNull()
      },
    )

    it('does not apply to read tools', () => {
      expect(evaluate('read_file', { path: '/etc/hosts' })).toBeNull()
    })
  })

  describe('no-credential-access', () => {
    it.each([
      ['read_file', { path: '/app/.env' }],
      ['read', { path: 'config/.env.production' }],
      ['cat', { file: '/home/me/.ssh/id_ed25519' }],
      ['file_read', { path: '/home/me/.aws/credentials' }],
      ['view', { path: '/home/me/.gnupg/private-keys-v1.d/x.key' }],
      ['write_file', { path: '/srv/app/.Env' }],
    ])('holds %s %j for approval', (tool, args) => {
      expect(evaluate(tool, args)).toMatchObject({
        decision: 'require_approval',
        rule: 'no-credential-access',
      })
    })

    it.each(['cat .env', 'source ./.env', 'less ~/.ssh/config', 'grep -r key ~/.aws'])(
      'holds the shell access %s for approval',
      (command) => {
        expect(bash(command)).toMatchObject({ decision: 'require_approval', rule: 'no-credential-access' })
      },
    )

    it('leaves ordinary files alone', () => {
      expect(evaluate('read_file', { path: '/app/src/environment.ts' })).toBeNull()
    })
  })

  describe('tool names', () => {
    it.each([
      'bash',
      'Bash',
      'BASH',
      'sh',
      'shell',
      'terminal',
      'exec',
      'run_command',
      'run_shell_command',
      'runTerminalCmd',
      'execute_command',
    ])('applies the shell rules to %s', (tool) => {
      expect(evaluate(tool, { command: 'git push -f origin main' })?.decision).toBe('deny')
    })

    it('reads an argv array as well as a script', () => {
      expect(evaluate('exec', { argv: ['git', 'push', '--force', 'origin', 'main'] })?.rule).toBe(
        'no-force-push-main',
      )
    })

    it('does not read a free-text description as a command', () => {
      expect(
        evaluate('bash', { command: 'ls', description: 'never git push --force origin main' }),
      ).toBeNull()
    })

    it('ignores tools that are not shells for the shell rules', () => {
      expect(evaluate('send_message', { text: 'git push --force origin main' })).toBeNull()
    })
  })
})
