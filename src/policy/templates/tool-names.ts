/**
 * Tool-name classification for the templates. Agents name the same tool many
 * ways (`bash`, `Bash`, `run_shell_command`, `runTerminalCmd`), so names are
 * compared as lower-case words, not as exact strings.
 */

/** `runShellCommand`, `run-shell_command` → `['run', 'shell', 'command']`. */
export function toolWords(tool: string): string[] {
  return tool
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '')
}

const SHELL_WORDS = new Set([
  'bash',
  'sh',
  'zsh',
  'dash',
  'ksh',
  'fish',
  'shell',
  'terminal',
  'powershell',
  'pwsh',
  'subprocess',
])
const RUN_WORDS = new Set(['run', 'exec', 'execute'])
const COMMAND_WORDS = new Set(['command', 'cmd', 'commands'])

/**
 * Whether a tool runs shell commands: `bash`, `sh`, `shell`, `terminal`,
 * `exec`, `command`, `run_command`, `run_shell_command`, `execute_command`,
 * `runTerminalCmd`… (case-insensitive).
 */
export function isShellTool(tool: string): boolean {
  const words = toolWords(tool)
  if (words.some((w) => SHELL_WORDS.has(w))) return true
  if (words.length === 1 && (words[0] === 'exec' || words[0] === 'command' || words[0] === 'cmd')) return true
  return words.some((w) => RUN_WORDS.has(w)) && words.some((w) => COMMAND_WORDS.has(w))
}

/** Whether the lower-cased tool name contains any of `parts` (an unanchored search, like the original templates). */
export function toolNameContains(tool: string, parts: readonly string[]): boolean {
  const lower = tool.toLowerCase()
  return parts.some((part) => lower.includes(part))
}
