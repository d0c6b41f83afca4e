import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError } from '../errors/config-error.js'
import type { ActionDefinition } from './action-definition.js'
import { loadActionFile, loadActions, parseActionYaml } from './load-actions.js'

const FIXTURES = join(import.meta.dirname, 'test-fixtures')
const EXAMPLE_ACTIONS = join(import.meta.dirname, '../../examples/infra/actions')

/** The ConfigError a load throws, as `file:line:column: field: message` lines. */
function loadError(text: string): string[] {
  try {
    parseActionYaml('a.yaml', text)
  } catch (error) {
    if (error instanceof ConfigError) {
      return error.issues.map(
        (i) => `${i.file}:${i.line ?? '?'}:${i.column ?? '?'}: ${i.field ? `${i.field}: ` : ''}${i.message}`,
      )
    }
    throw error
  }
  throw new Error('expected a ConfigError')
}

const BASE = `name: scale-deployment
version: "1.0.0"
description: Scale it
parameters:
  - name: replicas
    type: integer
    constraints:
      min_value: 0
      max_value: 100
risk_class: medium
target_types: [k8s-deployment]
`

function messages(def: ActionDefinition, inputs: unknown): string[] {
  const result = def.validate(inputs)
  return result.ok ? [] : result.issues.map((i) => i.message)
}

describe('loading the agent-safe action format', () => {
  let scale: ActionDefinition
  let deleteNamespace: ActionDefinition
  let stopInstance: ActionDefinition

  beforeAll(async () => {
    ;[deleteNamespace, stopInstance, scale] = (await loadActions([FIXTURES])) as [
      ActionDefinition,
      ActionDefinition,
      ActionDefinition,
    ]
  })

  it('loads the shipped definitions with every field', () => {
    expect(scale).toMatchObject({
      name: 'scale-deployment',
      version: '1.0.0',
      description: 'Scale a Kubernetes deployment to a specified replica count. Can scale up or down.',
      risk: 'medium',
      target_types: ['k8s-deployment'],
      tags: ['kubernetes', 'deployment', 'scaling'],
      required_scopes: [],
      approval_required: false,
      approver_roles: [],
      source: join(FIXTURES, 'scale-deployment.yaml'),
    })
    expect(scale.meta).toMatchObject({
      format: 'agent-safe',
      reversible: true,
      rollback_action: 'scale-deployment',
      required_privileges: ['apps/deployments:patch', 'apps/deployments:get'],
      prechecks: [
        { name: 'deployment-exists', description: 'Verify the deployment exists' },
        { name: 'hpa-check', description: 'Warn if HPA is active (scaling may be overridden)' },
      ],
      credentials: {
        type: 'kubernetes',
        fields: {
          verbs: ['get', 'patch'],
          resources: ['deployments', 'deployments/scale'],
          namespaces: ['{{ params.namespace }}'],
          api_groups: ['apps'],
        },
        ttl: 300,
      },
      state_fields: [
        { name: 'replicas', description: 'Current replica count', type: 'integer', required: true },
        {
          name: 'available_replicas',
          description: 'Number of available replicas',
          type: 'integer',
          required: false,
        },
        { name: 'ready_replicas', description: 'Number of ready replicas', type: 'integer', required: false },
      ],
      rollback_params: {
        namespace: { source: 'params.namespace' },
        deployment: { source: 'params.deployment' },
        replicas: { source: 'before_state.replicas' },
      },
    })
    expect(deleteNamespace.meta).toMatchObject({
      reversible: false,
      rollback_action: null,
      credentials: { ttl: 120 },
    })
    expect(stopInstance.meta.rollback_action).toBe('ec2-start-instance')
  })

  it('records the SHA-256 of each file', async () => {
    const bytes = await readFile(join(FIXTURES, 'scale-deployment.yaml'))
    expect(scale.meta.file_sha256).toBe(createHash('sha256').update(bytes).digest('hex'))
  })

  it('exports parameters as JSON Schema, with full-match patterns anchored', () => {
    expect(scale.input_schema).toEqual({
      type: 'object',
      properties: {
        namespace: { type: 'string', description: 'Kubernetes namespace containing the deployment' },
        deployment: { type: 'string', description: 'Name of the deployment to scale' },
        replicas: { type: 'integer', minimum: 0, maximum: 100, description: 'Target replica count' },
      },
      required: ['namespace', 'deployment', 'replicas'],
      additionalProperties: false,
    })
    expect(deleteNamespace.input_schema.properties).toEqual({
      namespace: {
        type: 'string',
        pattern: '^(?:^[a-z][a-z0-9-]{0,62}$)$',
        description: 'Name of the namespace to delete',
      },
    })
  })

  it('offers a zod input schema that agrees with validate', () => {
    expect(scale.input.safeParse({ namespace: 'dev', deployment: 'app', replicas: 3 }).success).toBe(true)
    expect(scale.input.safeParse({ namespace: 'dev', deployment: 'app', replicas: 101 }).success).toBe(false)
    expect(scale.input.safeParse({ namespace: 'dev', deployment: 'app', replicas: 3, x: 1 }).success).toBe(
      false,
    )
    expect(deleteNamespace.input.safeParse({ namespace: 'Kube_System' }).success).toBe(false)
  })

  describe('parameter validation (agent-safe messages and order)', () => {
    it('reports missing, then unknown, then per-parameter problems', () => {
      expect(messages(scale, { namespace: 'dev', replicas: '3', extra: 1 })).toEqual([
        'Missing required parameter: deployment',
        'Unknown parameter: extra',
        "Parameter 'replicas': expected integer, got str",
      ])
    })

    it('checks required parameters even when no parameters are given', () => {
      const all = ['namespace', 'deployment', 'replicas'].map((p) => `Missing required parameter: ${p}`)
      expect(messages(scale, {})).toEqual(all)
      expect(messages(scale, undefined)).toEqual(all)
      expect(messages(scale, null)).toEqual(all)
    })

    it('names the Python type of a wrong value', () => {
      const wrong = (replicas: unknown) => messages(scale, { namespace: 'n', deployment: 'd', replicas })
      expect(wrong(3.5)).toEqual(["Parameter 'replicas': expected integer, got float"])
      expect(wrong(true)).toEqual(["Parameter 'replicas': expected integer, got bool"])
      expect(wrong(null)).toEqual(["Parameter 'replicas': expected integer, got NoneType"])
      expect(wrong([1])).toEqual(["Parameter 'replicas': expected integer, got list"])
      expect(wrong({ n: 1 })).toEqual(["Parameter 'replicas': expected integer, got dict"])
    })

    it('prints bounds as Python floats', () => {
      const check = (replicas: number) => messages(scale, { namespace: 'n', deployment: 'd', replicas })
      expect(check(101)).toEqual(["Parameter 'replicas': value 101 exceeds maximum 100.0"])
      expect(check(-1)).toEqual(["Parameter 'replicas': value -1 is below minimum 0.0"])
      expect(check(0)).toEqual([])
      expect(check(100)).toEqual([])
    })

    it('matches patterns against the whole value', () => {
      expect(messages(deleteNamespace, { namespace: 'payments' })).toEqual([])
      expect(messages(deleteNamespace, { namespace: 'kube system' })).toEqual([
        "Parameter 'namespace': value does not match pattern '^[a-z][a-z0-9-]{0,62}$'",
      ])
      expect(messages(deleteNamespace, { namespace: 'x'.repeat(64) })).toHaveLength(1)
    })

    it('skips constraint checks when the type is wrong', () => {
      expect(messages(deleteNamespace, { namespace: 42 })).toEqual([
        "Parameter 'namespace': expected string, got int",
      ])
    })

    it('returns the inputs unchanged when valid, without applying defaults', () => {
      expect(scale.validate({ namespace: 'dev', deployment: 'app', replicas: 2 })).toEqual({
        ok: true,
        value: { namespace: 'dev', deployment: 'app', replicas: 2 },
      })
    })

    it('rejects inputs that are not a mapping', () => {
      expect(messages(scale, ['namespace'])).toEqual(['Parameters must be a mapping, got list'])
      expect(messages(scale, 'namespace=dev')).toEqual(['Parameters must be a mapping, got str'])
    })

    it('gives each issue a path and a stable code', () => {
      const result = scale.validate({ replicas: 500, extra: true })
      expect(result.ok ? [] : result.issues.map((i) => [i.path, i.code])).toEqual([
        [['namespace'], 'missing'],
        [['deployment'], 'missing'],
        [['extra'], 'unknown_key'],
        [['replicas'], 'too_big'],
      ])
    })
  })

  describe('every constraint', () => {
    const def = parseActionYaml(
      'c.yaml',
      `name: constrained
version: "1.0.0"
description: Every constraint
parameters:
  - name: label
    type: string
    constraints: { min_length: 2, max_length: 4, pattern: "[a-z]+" }
  - name: mode
    type: string
    required: false
    constraints: { enum: [fast, "it's"] }
  - name: level
    type: integer
    required: false
    constraints: { enum: ["1", "2"] }
  - name: ratio
    type: number
    required: false
    constraints: { min_value: 0.5, max_value: 1e16 }
  - name: flag
    type: boolean
    required: false
  - name: items
    type: array
    required: false
risk_class: low
target_types: [thing]
`,
    )
    const check = (inputs: Record<string, unknown>) => messages(def, { label: 'abc', ...inputs })

    it('checks string length in code points', () => {
      expect(check({ label: 'a' })).toEqual(["Parameter 'label': length 1 is below minimum 2"])
      expect(check({ label: 'abcde' })).toEqual(["Parameter 'label': length 5 exceeds maximum 4"])
      expect(check({ label: 'é😀' })).toEqual(["Parameter 'label': value does not match pattern '[a-z]+'"])
    })

    it('reports every failing constraint of a parameter in order', () => {
      expect(check({ label: 'A' })).toEqual([
        "Parameter 'label': length 1 is below minimum 2",
        "Parameter 'label': value does not match pattern '[a-z]+'",
      ])
    })

    it('compares enums against the Python string form and prints the list in Python form', () => {
      expect(check({ mode: 'fast' })).toEqual([])
      expect(check({ mode: 'slow' })).toEqual([
        `Parameter 'mode': value 'slow' not in allowed values ['fast', "it's"]`,
      ])
      expect(check({ level: 2 })).toEqual([])
      expect(check({ level: 3 })).toEqual(["Parameter 'level': value '3' not in allowed values ['1', '2']"])
    })

    it('prints fractional and huge bounds as Python does', () => {
      expect(check({ ratio: 0.25 })).toEqual(["Parameter 'ratio': value 0.25 is below minimum 0.5"])
      expect(check({ ratio: 2e16 })).toEqual([
        "Parameter 'ratio': value 20000000000000000 exceeds maximum 1e+16",
      ])
      expect(check({ ratio: 1 })).toEqual([])
    })

    it('treats integers as numbers but never booleans', () => {
      expect(check({ ratio: 1 })).toEqual([])
      expect(check({ ratio: false })).toEqual(["Parameter 'ratio': expected number, got bool"])
      expect(check({ ratio: Number.NaN })).toEqual(["Parameter 'ratio': value nan is not a finite number"])
    })

    it('checks booleans and arrays by type only', () => {
      expect(check({ flag: true, items: [1, 'a', null] })).toEqual([])
      expect(check({ flag: 'true' })).toEqual(["Parameter 'flag': expected boolean, got str"])
      expect(check({ items: { a: 1 } })).toEqual(["Parameter 'items': expected array, got dict"])
    })
  })

  describe('load errors name file, line and column', () => {
    it.each([
      ['an unknown top-level key', `${BASE}colour: red\n`, "a.yaml:12:9: colour: unknown key 'colour'"],
      [
        'an unknown parameter key',
        BASE.replace('    type: integer\n', '    type: integer\n    requred: false\n'),
        "a.yaml:7:14: parameters[0].requred: unknown key 'requred' (did you mean 'required'?)",
      ],
      [
        'an unknown constraint',
        BASE.replace('      min_value: 0\n', '      minimum: 0\n'),
        "a.yaml:8:16: parameters[0].constraints.minimum: unknown key 'minimum'; allowed here: min_value, max_value, min_length, max_length, pattern, enum",
      ],
      [
        'a missing name',
        BASE.replace('name: scale-deployment\n', ''),
        "a.yaml:1:1: name: missing required key 'name'",
      ],
      [
        'a bad name',
        BASE.replace('name: scale-deployment', 'name: Scale_Deployment'),
        'a.yaml:1:7: name: must match ^[a-z][a-z0-9_-]*$',
      ],
      [
        'an unquoted version',
        BASE.replace('version: "1.0.0"', 'version: 1.0'),
        'a.yaml:2:10: version: must be a quoted string like "1.0.0"',
      ],
      [
        'a malformed version',
        BASE.replace('version: "1.0.0"', 'version: "v1"'),
        'a.yaml:2:10: version: must look like 1.0.0',
      ],
      [
        'an empty description',
        BASE.replace('description: Scale it', 'description: " "'),
        'a.yaml:3:14: description: must not be empty',
      ],
      [
        'an unknown risk class',
        BASE.replace('risk_class: medium', 'risk_class: severe'),
        "a.yaml:10:13: risk_class: 'severe' is not allowed; expected one of low, medium, high, critical",
      ],
      [
        'an empty target_types',
        BASE.replace('target_types: [k8s-deployment]', 'target_types: []'),
        'a.yaml:11:15: target_types: must list at least one target type',
      ],
      [
        'an unknown parameter type',
        BASE.replace('type: integer', 'type: object'),
        "a.yaml:6:11: parameters[0].type: 'object' is not allowed; expected one of string, integer, number, boolean, array",
      ],
      [
        'min_value above max_value',
        BASE.replace('min_value: 0', 'min_value: 200'),
        'a.yaml:9:18: parameters[0].constraints.max_value: is below min_value 200',
      ],
      [
        'a string constraint on an integer',
        BASE.replace('      max_value: 100\n', '      max_value: 100\n      pattern: "[0-9]+"\n'),
        'a.yaml:10:16: parameters[0].constraints.pattern: applies only to string parameters, not integer',
      ],
      [
        'a default that breaks its own constraints',
        BASE.replace('    type: integer\n', '    type: integer\n    default: 500\n'),
        "a.yaml:7:14: parameters[0].default: does not satisfy the parameter: Parameter 'replicas': value 500 exceeds maximum 100.0",
      ],
      [
        'a duplicate parameter',
        BASE.replace('risk_class', '  - name: replicas\n    type: string\nrisk_class'),
        "a.yaml:10:11: parameters[1].name: duplicate parameter 'replicas' (first declared at parameters[0])",
      ],
      [
        'a backreference pattern (not linear-time)',
        BASE.replace('type: integer', 'type: string').replace(
          '      min_value: 0\n      max_value: 100\n',
          '      pattern: "(a+)\\\\1"\n',
        ),
        "a.yaml:8:16: parameters[0].constraints.pattern: invalid pattern '(a+)\\1': error parsing regexp: invalid escape sequence: `\\1`",
      ],
      [
        'a lookahead pattern',
        BASE.replace('type: integer', 'type: string').replace(
          '      min_value: 0\n      max_value: 100\n',
          '      pattern: "(?=a)a"\n',
        ),
        "a.yaml:8:16: parameters[0].constraints.pattern: invalid pattern '(?=a)a': error parsing regexp: invalid or unsupported Perl syntax: `(?=`",
      ],
      [
        'a rollback source that is neither params nor before_state',
        `${BASE}rollback_params:\n  replicas:\n    source: state.replicas\n`,
        "a.yaml:14:13: rollback_params.replicas.source: 'state.replicas' must be params.<parameter> or before_state.<state field>",
      ],
      [
        'a rollback source naming no parameter',
        `${BASE}rollback_params:\n  replicas:\n    source: params.count\n`,
        "a.yaml:14:13: rollback_params.replicas.source: 'params.count' names no parameter of this action",
      ],
      [
        'a rollback source naming no state field',
        `${BASE}rollback_params:\n  replicas:\n    source: before_state.replicas\n`,
        "a.yaml:14:13: rollback_params.replicas.source: 'before_state.replicas' names no declared state field",
      ],
      [
        'a credential template naming no parameter',
        `${BASE}credentials:\n  type: kubernetes\n  fields:\n    namespaces: ["{{ params.namespace }}"]\n`,
        'a.yaml:15:5: credentials.fields: template {{ params.namespace }} names no parameter of this action',
      ],
      [
        'a credential ttl below 1',
        `${BASE}credentials:\n  type: kubernetes\n  ttl: 0\n`,
        'a.yaml:14:8: credentials.ttl: Too small: expected number to be >=1',
      ],
      [
        'a precheck without description',
        `${BASE}prechecks:\n  - name: exists\n`,
        "a.yaml:13:5: prechecks[0].description: missing required key 'description'",
      ],
      [
        'a YAML syntax error',
        `${BASE}tags: [a\n`,
        'a.yaml:13:1: Flow sequence in block collection must be sufficiently indented and end with a ]',
      ],
      [
        'a repeated key',
        `${BASE}name: other\n`,
        "a.yaml:12:1: duplicate key 'name': each key may appear only once in a map (the later one would silently replace the first)",
      ],
      [
        'a list instead of a mapping',
        '- a\n- b\n',
        'a.yaml:1:1: an action file must contain one YAML mapping',
      ],
    ])('%s', (_label, text, expected) => {
      expect(loadError(text)).toEqual([expected])
    })

    it('reports every problem of a file at once', () => {
      const text = BASE.replace('risk_class: medium', 'risk_class: severe').replace(
        'version: "1.0.0"',
        'version: 2',
      )
      expect(loadError(text)).toHaveLength(2)
    })

    it('accepts our extensions: required_scopes, approval_required, approver_roles', () => {
      const def = parseActionYaml(
        'a.yaml',
        `${BASE}required_scopes: [k8s:write]\napproval_required: true\napprover_roles: [sre]\n`,
      )
      expect(def).toMatchObject({
        required_scopes: ['k8s:write'],
        approval_required: true,
        approver_roles: ['sre'],
      })
    })
  })

  describe('files and directories', () => {
    let dir: string

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'airlock-actions-'))
    })
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true })
    })

    it('loads *.yaml and *.yml from a directory in sorted order and ignores other files', async () => {
      const sub = join(dir, 'sorted')
      await mkdir(sub)
      await writeFile(join(sub, 'b.yml'), BASE.replace('scale-deployment', 'bravo'))
      await writeFile(join(sub, 'a.yaml'), BASE.replace('scale-deployment', 'alpha'))
      await writeFile(join(sub, 'notes.txt'), 'not yaml')
      const loaded = await loadActions([sub])
      expect(loaded.map((d) => d.name)).toEqual(['alpha', 'bravo'])
      expect(loaded.map((d) => d.source)).toEqual([join(sub, 'a.yaml'), join(sub, 'b.yml')])
    })

    it('reports a name defined twice at the second definition, naming the first file', async () => {
      const sub = join(dir, 'dupes')
      await mkdir(sub)
      await writeFile(join(sub, 'a.yaml'), BASE)
      await writeFile(join(sub, 'b.yaml'), BASE)
      await expect(loadActions([sub])).rejects.toThrow(
        `${join(sub, 'b.yaml')}:1:7: name: duplicate action 'scale-deployment': already defined in ${join(sub, 'a.yaml')}`,
      )
    })

    it('collects the problems of every file into one error', async () => {
      const sub = join(dir, 'broken')
      await mkdir(sub)
      await writeFile(join(sub, 'a.yaml'), `${BASE}x: 1\n`)
      await writeFile(join(sub, 'b.yaml'), `${BASE}y: 1\n`)
      const error = await loadActions([sub, join(dir, 'missing.yaml')]).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ConfigError)
      expect((error as ConfigError).issues.map((i) => `${i.file}: ${i.message}`)).toEqual([
        `${join(dir, 'missing.yaml')}: path not found`,
        `${join(sub, 'a.yaml')}: unknown key 'x'`,
        `${join(sub, 'b.yaml')}: unknown key 'y'`,
      ])
    })

    it('reports a missing file as a ConfigError', async () => {
      await expect(loadActionFile(join(dir, 'nope.yaml'))).rejects.toThrow(
        `${join(dir, 'nope.yaml')}: file not found`,
      )
    })
  })

  it('loads the example project', async () => {
    const loaded = await loadActions([EXAMPLE_ACTIONS])
    expect(loaded.map((d) => d.name)).toEqual([
      'delete-namespace',
      'delete-pod',
      'drain-node',
      'get-pod-logs',
      'restart-deployment',
      'rollout-status',
      'scale-deployment',
    ])
  })
})
