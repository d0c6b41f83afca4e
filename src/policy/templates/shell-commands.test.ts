import { describe, expect, it } from 'vitest'
import { parseShell } from './shell-commands.js'

const argvs = (script: string) => parseShell(script).map((c) => [c.name, ...c.args])

describe('parseShell', () => {
  it('splits on ;, &&, ||, | and newlines', () => {
    expect(argvs('a 1; b 2 && c || d | e\nf')).toEqual([['a', '1'], ['b', '2'], ['c'], ['d'], ['e'], ['f']])
  })

  it('keeps quoted text as one word', () => {
    expect(argvs(`echo 'git push -f' "x y" a\\ b`)).toEqual([['echo', 'git push -f', 'x y', 'a b']])
  })

  it("decodes $'…' escapes", () => {
    expect(argvs("rm $'-\\x72\\146' /")).toEqual([['rm', '-rf', '/']])
  })

  it('lower-cases and strips the directory from the program name', () => {
    expect(argvs('/usr/bin/GIT status')).toEqual([['git', 'status']])
  })

  it('peels off wrappers and assignments', () => {
    const [command] = parseShell('sudo -u root env -i A=1 nice -n 5 timeout 10 git push')
    expect(command).toMatchObject({ name: 'git', args: ['push'], env: ['A=1'] })
  })

  it('runs the scripts given to sh -c, eval, su -c, ssh and watch', () => {
    for (const script of [
      'bash -lc "git push"',
      "eval 'git push'",
      "su -c 'git push' root",
      'ssh -p 2 host git push',
      "watch -n 1 'git push'",
    ]) {
      expect(argvs(script)).toContainEqual(['git', 'push'])
    }
  })

  it('reads command substitutions, backticks, process substitutions and here-strings', () => {
    for (const script of [
      'echo $(git push)',
      'echo "`git push`"',
      'diff <(git push) x',
      'bash <<< "git push"',
    ]) {
      expect(argvs(script)).toContainEqual(['git', 'push'])
    }
  })

  it('reads find -exec and xargs commands', () => {
    expect(argvs('find . -exec rm -rf {} +')).toContainEqual(['rm', '-rf', '{}'])
    expect(argvs('ls | xargs -I{} rm -rf {}')).toContainEqual(['rm', '-rf', '{}'])
  })

  it('records redirection targets apart from arguments', () => {
    const [command] = parseShell('cat < in.txt > /etc/out 2>/dev/null')
    expect(command).toMatchObject({
      name: 'cat',
      args: [],
      reads: ['in.txt'],
      writes: ['/etc/out', '/dev/null'],
    })
  })

  it('skips comments', () => {
    expect(argvs('ls # git push -f')).toEqual([['ls']])
  })

  it('survives unterminated quotes and deep nesting', () => {
    expect(() => parseShell(`echo "unterminated ${'$('.repeat(50)}`)).not.toThrow()
    expect(() => parseShell("echo 'open")).not.toThrow()
  })
})
