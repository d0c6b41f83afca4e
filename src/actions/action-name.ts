/**
 * Valid action names: lower case, starting with a letter, then letters,
 * digits, `_` or `-` (so both `issue_refund` and `restart-deployment` work).
 */
export const ACTION_NAME_PATTERN = /^[a-z][a-z0-9_-]*$/

/** Whether `value` is a valid action name. */
export function isActionName(value: unknown): value is string {
  return typeof value === 'string' && ACTION_NAME_PATTERN.test(value)
}
