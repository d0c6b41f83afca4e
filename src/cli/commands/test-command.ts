import { resolve } from 'node:path'
import type { Command } from 'commander'
import { loadPolicyTests, policyTestPrincipal, runPolicyTests } from '../../policy/policy-tests.js'
import { type CliIo, GREEN, paint, RED } from '../cli-io.js'
import { ExitCode } from '../exit-codes.js'
import { loadProject, type ProjectFlags } from '../project.js'
import { evaluatesUnknown, projectAirlock } from '../project-airlock.js'
import { withProjectOptions } from './project-options.js'

export function registerTest(program: Command, io: CliIo, setExit: (code: number) => void): void {
  withProjectOptions(
    program
      .command('test')
      .description('run policy test cases (exit 1 if any fails)')
      .argument('<path>', 'a test YAML file or a directory of them')
      .option('--evaluate-unknown', 'let the policies decide tool names that are not declared actions'),
  ).action(async (path: string, flags: ProjectFlags & { json?: boolean; evaluateUnknown?: boolean }) => {
    const cases = await loadPolicyTests(resolve(io.cwd, path))
    const project = await loadProject(io, flags)
    const airlock = projectAirlock(project, evaluatesUnknown(project, flags.evaluateUnknown))
    const report = runPolicyTests(cases, (c) => {
      const caller = policyTestPrincipal(c)
      return airlock.decide(
        c.action,
        { ...c.params },
        {
          ...(caller ? { caller } : {}),
          target: c.target,
          ticket_id: c.ticket_id,
        },
      )
    })
    if (flags.json) {
      io.stdout.write(
        `${JSON.stringify(
          {
            passed: report.passed,
            failed: report.failed,
            total: report.total,
            results: report.results.map((r) => ({
              name: r.case.name,
              passed: r.passed,
              expected: r.case.expect,
              actual: r.actual,
              reason: r.reason,
              file: r.case.source.file,
              line: r.case.source.line ?? null,
            })),
          },
          null,
          2,
        )}\n`,
      )
    } else {
      for (const r of report.results) {
        if (r.passed) io.stdout.write(`  ${paint(io, GREEN, 'PASS')}  ${r.case.name}\n`)
        else {
          io.stdout.write(
            `  ${paint(io, RED, 'FAIL')}  ${r.case.name}  (expected ${r.case.expect}, got ${r.actual ?? 'error'})\n`,
          )
          const where =
            r.case.source.line === undefined
              ? r.case.source.file
              : `${r.case.source.file}:${r.case.source.line}`
          io.stdout.write(`        ${r.reason}\n        at ${where}\n`)
        }
      }
      io.stdout.write(`${report.passed} passed, ${report.failed} failed\n`)
    }
    setExit(report.failed > 0 || report.total === 0 ? ExitCode.FAILED : ExitCode.OK)
  })
}
