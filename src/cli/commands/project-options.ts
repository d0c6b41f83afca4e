import type { Command } from 'commander'

/** Adds --config, --actions, --policies, --inventory and --json. */
export function withProjectOptions(command: Command): Command {
  return command
    .option(
      '--config <file>',
      'airlock.config.{yaml,ts,mjs} whose actions, policies and inventory to use (default: found from here upwards)',
    )
    .option('--actions <paths...>', 'action YAML files or directories (default ./actions if present)')
    .option('--policies <paths...>', 'policy YAML files or directories (default ./policies if present)')
    .option('--inventory <file>', 'inventory YAML file (default ./inventory.yaml if present)')
    .option('--json', 'machine-readable output')
}
