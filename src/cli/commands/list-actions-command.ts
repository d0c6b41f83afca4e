import type { Command } from 'commander'
import { isRiskClass, RISK_CLASSES } from '../../policy/risk-matrix.js'
import { type CliIo, DIM, paint } from '../cli-io.js'
import { loadProject, type ProjectFlags } from '../project.js'
import { formatTable } from '../table.js'
import { UsageError } from '../usage-error.js'
import { withProjectOptions } from './project-options.js'

export function registerListActions(program: Command, io: CliIo): void {
  withProjectOptions(
    program
      .command('list-actions')
      .description('list the registered actions')
      .option('--tag <tag>', 'only actions with this tag')
      .option('--risk <risk>', `only actions of this risk (${RISK_CLASSES.join(', ')})`),
  ).action(async (flags: ProjectFlags & { tag?: string; risk?: string; json?: boolean }) => {
    if (flags.risk !== undefined && !isRiskClass(flags.risk)) {
      throw new UsageError(`--risk must be one of ${RISK_CLASSES.join(', ')}, got '${flags.risk}'`)
    }
    const { registry } = await loadProject(io, flags)
    let list = registry.list()
    if (flags.tag !== undefined) list = list.filter((a) => a.tags.includes(flags.tag as string))
    if (flags.risk !== undefined) list = list.filter((a) => a.risk === flags.risk)
    if (flags.json) {
      const out = list.map((a) => ({
        name: a.name,
        description: a.description,
        risk: a.risk,
        required_scopes: a.required_scopes,
        approval_required: a.approval_required,
        tags: a.tags,
        input_schema: a.input_schema,
      }))
      io.stdout.write(`${JSON.stringify({ actions: out }, null, 2)}\n`)
      return
    }
    const rows = list.map((a) => [
      a.name,
      `[${a.risk}]`,
      a.version ? `v${a.version}` : '',
      paint(io, DIM, a.description),
    ])
    io.stdout.write(formatTable(rows, '  '))
    io.stdout.write(`${list.length} action(s)${flags.tag || flags.risk ? ' matched' : ' registered'}.\n`)
  })
}
