/**
 * Exit codes of the `airlock` command. Scripts may rely on them.
 *
 * | code | meaning |
 * |---|---|
 * | 0 | success; `check`: allowed; `run`, `rollback run`: executed or planned |
 * | 1 | `check`, `run`, `rollback run`: denied (or failed); `credentials check`: unavailable; `test`: a case failed; `validate`: invalid; `audit verify`: chain broken; `approval`, `ticket`, `delegation`: refused or invalid |
 * | 2 | usage error: unknown flag, missing or malformed argument |
 * | 3 | configuration error: a file failed to load |
 * | 4 | `check`, `run`, `rollback run`: held for approval |
 * | 5 | runtime error: store unreachable, unexpected failure |
 */
export const ExitCode = {
  OK: 0,
  FAILED: 1,
  USAGE: 2,
  CONFIG: 3,
  HELD: 4,
  RUNTIME: 5,
} as const

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode]
