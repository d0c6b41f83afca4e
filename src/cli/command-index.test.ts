import { Command } from 'commander'
import { describe, expect, it } from 'vitest'
import type { CliIo } from './cli-io.js'
import { COMMANDS, namedCommand } from './command-index.js'
import { runCli } from './run-cli.js'

function captureIo(): CliIo & { out: () => string } {
  let text = ''
  const write = (s: string) => {
    text += s
  }
  return { stdout: { write }, stderr: { write }, cwd: process.cwd(), env: {}, out: () => text }
}

describe('the command index', () => {
  it('lists each command with the arguments and summary its module registers', async () => {
    const registered = new Set<string>()
    for (const entry of COMMANDS) {
      const program = new Command('airlock')
      ;(await entry.load())(program, captureIo(), () => {})
      const command = program.commands.find((c) => c.name() === entry.name)
      expect(command, entry.name).toBeDefined()
      expect(program.createHelp().subcommandTerm(command!)).toBe(entry.term)
      expect(command!.description()).toBe(entry.summary)
      for (const c of program.commands) registered.add(c.name())
    }
    // Nothing a module registers at the top level is missing from the index.
    expect([...registered].sort()).toEqual(COMMANDS.map((c) => c.name).sort())
  })

  it('finds the command named first, or after help', () => {
    expect(namedCommand(['audit', 'verify', '--json'])?.name).toBe('audit')
    expect(namedCommand(['help', 'serve'])?.name).toBe('serve')
    expect(namedCommand(['--help'])).toBeUndefined()
    expect(namedCommand(['nonsense'])).toBeUndefined()
  })

  it('shows every command in airlock --help', async () => {
    const io = captureIo()
    expect(await runCli(['--help'], io)).toBe(0)
    for (const entry of COMMANDS) expect(io.out()).toContain(`  ${entry.term} `)
  })

  it('still suggests a command for a misspelt one', async () => {
    const io = captureIo()
    expect(await runCli(['audi'], io)).toBe(2)
    expect(io.out()).toContain('Did you mean audit?')
  })
})
