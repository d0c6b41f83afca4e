import { relative, resolve } from 'node:path'
import type { Command } from 'commander'
import { checkConfig } from '../../config/check-config.js'
import { findConfigFile } from '../../config/load-config.js'
import { ConfigError } from '../../errors/config-error.js'
import { type CliIo, GREEN, paint } from '../cli-io.js'
import { ExitCode } from '../exit-codes.js'
import { loadProject, type ProjectFlags } from '../project.js'
import { withProjectOptions } from './project-options.js'

export function registerValidate(program: Command, io: CliIo, setExit: (code: number) => void): void {
  withProjectOptions(
    program
      .command('validate')
      .description(
        'check the project config and every file it names, or the action, policy and inventory files given',
      ),
  ).action(async (flags: ProjectFlags & { json?: boolean }) => {
    const explicit = (flags.actions?.length ?? 0) > 0 || (flags.policies?.length ?? 0) > 0 || flags.inventory
    const configFile =
      flags.config !== undefined ? resolve(io.cwd, flags.config) : explicit ? null : findConfigFile(io.cwd)
    if (configFile !== null) {
      const summary = await checkConfig(configFile, { env: io.env })
      if (flags.json) io.stdout.write(`${JSON.stringify({ valid: true, ...summary }, null, 2)}\n`)
      else {
        const ok = paint(io, GREEN, 'OK')
        io.stdout.write(
          `${ok}  config: ${relative(io.cwd, configFile) || configFile} (${summary.store} store; auth: ${summary.auth.join(', ')})\n` +
            `${ok}  actions: ${summary.actions} action(s) loaded\n${ok}  policies: ${summary.rules} rule(s) loaded\n` +
            (summary.targets === null ? '' : `${ok}  inventory: ${summary.targets} target(s) loaded\n`),
        )
      }
      setExit(ExitCode.OK)
      return
    }
    const project = await loadProject(io, flags)
    const { sources } = project
    if (sources.actions.length === 0 && sources.policies.length === 0 && sources.inventory === null) {
      // Passing silently here would let a mistyped path look like a valid setup.
      throw new ConfigError([
        {
          file: io.cwd,
          message: 'nothing to validate: no --actions, --policies or --inventory given and none found in ./',
        },
      ])
    }
    const summary = {
      valid: true,
      actions: project.registry.size,
      rules: project.rules.length,
      targets: project.inventory?.list().length ?? null,
    }
    if (flags.json) io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`)
    else {
      const ok = paint(io, GREEN, 'OK')
      if (sources.actions.length > 0) io.stdout.write(`${ok}  actions: ${summary.actions} action(s) loaded\n`)
      if (sources.policies.length > 0) io.stdout.write(`${ok}  policies: ${summary.rules} rule(s) loaded\n`)
      if (sources.inventory) io.stdout.write(`${ok}  inventory: ${summary.targets} target(s) loaded\n`)
    }
    setExit(ExitCode.OK)
  })
}
