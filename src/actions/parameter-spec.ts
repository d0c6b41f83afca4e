/** Value types a YAML-declared parameter can have (agent-safe's `ParamType`). */
export type ParameterType = 'string' | 'integer' | 'number' | 'boolean' | 'array'

export const PARAMETER_TYPES: readonly ParameterType[] = ['string', 'integer', 'number', 'boolean', 'array']

/** Checks on a parameter's value; each applies only to the types noted. */
export interface ParameterConstraints {
  /** integer, number */
  readonly min_value?: number
  /** integer, number */
  readonly max_value?: number
  /** string; counted in code points */
  readonly min_length?: number
  /** string; counted in code points */
  readonly max_length?: number
  /** string; the whole value must match (Python `re.fullmatch`), RE2 syntax */
  readonly pattern?: string
  /** any type but array; compared against Python `str(value)` */
  readonly enum?: readonly string[]
}

/** One parameter of a YAML action, as declared in its `parameters:` list. */
export interface ParameterSpec {
  readonly name: string
  readonly type: ParameterType
  readonly required: boolean
  readonly description: string
  /** Informational (shown to tools and humans); never filled in for the caller. `null` when absent. */
  readonly default: unknown
  readonly constraints: ParameterConstraints | null
}
