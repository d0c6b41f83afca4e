import { relative, resolve } from 'node:path'
import type { Command } from 'commander'
import { scaffoldProject } from '../../config/scaffold-project.js'
import { type CliIo, DIM, GREEN, paint, YELLOW } from '../cli-io.js'

export function registerInit(program: Command, io: CliIo): void {
  program
    .command('init')
    .description('create a starter project: config, an action, a policy, an inventory and policy tests')
    .argument('[dir]', 'folder to create it in', '.')
    .option('--json', 'machine-readable output (includes the new API key)')
    .action(async (dir: string, flags: { json?: boolean }) => {
      const root = resolve(io.cwd, dir)
      const result = await scaffoldProject(root)
      if (flags.json) {
        io.stdout.write(`${JSON.stringify({ dir: root, ...result }, null, 2)}\n`)
        return
      }
      const shown = (p: string) => relative(io.cwd, resolve(root, p)) || p
      for (const path of result.created) io.stdout.write(`${paint(io, GREEN, 'create')} ${shown(path)}\n`)
      for (const path of result.skipped)
        io.stdout.write(`${paint(io, YELLOW, 'skip')}   ${shown(path)} (exists)\n`)
      if (result.api_key !== null) {
        io.stdout.write(
          `\nAgent API key (shown once; only its SHA-256 is in airlock.config.yaml):\n  ${result.api_key}\n` +
            paint(io, DIM, 'Lose it and you replace the sha256 in the config with a new one.\n'),
        )
      }
      const cd = root === io.cwd ? '' : `cd ${relative(io.cwd, root) || root} && `
      io.stdout.write(`\nNext: ${cd}airlock test tests && airlock serve\n`)
    })
}
