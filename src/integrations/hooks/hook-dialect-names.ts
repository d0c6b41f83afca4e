/** The agents `airlock hook <dialect>` answers, by name (kept apart so the CLI can list them without loading the hooks). */
export const HOOK_DIALECT_NAMES = ['claude-code', 'codex', 'cursor', 'gemini-cli'] as const
