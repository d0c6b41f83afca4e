import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { awsExecutor } from '../../../src/executors/aws/index.js'
import type { ExecutionRequest } from '../../../src/executors/executor.js'
import { type FakeAws, startFakeAws } from '../../helpers/fake-aws.js'
import { awsCredential, awsRequest } from './aws-request.js'

// The real AWS SDK v3 clients against a fake of EC2, ECS, Lambda, IAM and S3 bucket policies (test/helpers/fake-aws.ts).
const KEY = 'AKIAFAKEEXECUTOR0001'
const SECRET = 'fake-secret-never-shown-8c1f'
const INSTANCE = 'i-0123456789abcdef0'
const POLICY = 'arn:aws:iam::aws:policy/ReadOnlyAccess'

let fake: FakeAws
let credential: ReturnType<typeof awsCredential>

const fakePromise = startFakeAws()
afterAll(async () => (await fakePromise).close())

beforeEach(async () => {
  fake = await fakePromise
  for (const store of [fake.instances, fake.services, fake.tasks, fake.roles, fake.functions, fake.buckets])
    store.clear()
  for (const set of [fake.policies, fake.access_keys, fake.deny, fake.hang, fake.fail]) set.clear()
  fake.calls.length = 0
  fake.access_keys.add(KEY)
  fake.instances.set(INSTANCE, { type: 't3.micro', state: 'running', termination_protection: false })
  fake.services.set('prod/web', { desired: 2, running: 2, status: 'ACTIVE' })
  fake.tasks.set('prod/0f1e2d3c4b5a', 'RUNNING')
  fake.roles.set('app-role', new Set())
  fake.policies.add(POLICY)
  fake.functions.set('resize', { memory: 128, timeout: 3, runtime: 'nodejs20.x', variables: {} })
  fake.buckets.set('audit-logs', null)
  credential = awsCredential(KEY, SECRET)
})

const executor = () => awsExecutor({ endpoint: fake.url, max_attempts: 1 })

/** prechecks → state before → execute → state after, the order the runner uses. */
async function runAll(request: ExecutionRequest) {
  const aws = executor()
  const prechecks = await aws.prechecks(request)
  const before = await aws.getState(request)
  const result = await aws.execute(request)
  const after = await aws.getState(request)
  return { prechecks, before, result, after }
}

const operations = () => fake.calls.map((c) => `${c.service}:${c.operation}`)

describe('EC2 instance actions', () => {
  it.each([
    ['ec2-stop-instance', 'running', 'StopInstances', 'stopped'],
    ['ec2-start-instance', 'stopped', 'StartInstances', 'running'],
    ['ec2-terminate-instance', 'stopped', 'TerminateInstances', 'terminated'],
    ['ec2-reboot-instance', 'running', 'RebootInstances', 'running'],
  ])('%s changes the instance from %s through %s', async (name, from, operation, to) => {
    fake.instances.get(INSTANCE)!.state = from
    const run = await runAll(
      await awsRequest(name, { instance_id: INSTANCE, region: 'eu-west-1' }, credential),
    )

    expect(run.prechecks.every((p) => p.passed)).toBe(true)
    expect(run.before).toEqual({ exists: true, state: from, instance_type: 't3.micro' })
    expect(run.result.ok).toBe(true)
    expect(run.after).toEqual({ exists: true, state: to, instance_type: 't3.micro' })
    const call = fake.calls.find((c) => c.operation === operation)!
    expect(call.input).toMatchObject({ Action: operation, 'InstanceId.1': INSTANCE })
    // Signed with the run's credential, for the region the parameters name.
    expect(call).toMatchObject({ service: 'ec2', access_key_id: KEY, region: 'eu-west-1' })
  })

  it('refuses to terminate an instance with termination protection', async () => {
    fake.instances.get(INSTANCE)!.termination_protection = true
    const request = await awsRequest(
      'ec2-terminate-instance',
      { instance_id: INSTANCE, region: 'us-east-1' },
      credential,
    )
    const checks = await executor().prechecks(request)
    expect(checks.find((c) => c.name === 'termination-protection')).toMatchObject({
      passed: false,
      advisory: false,
      message: expect.stringContaining('termination protection enabled'),
    })
  })

  it('reports a missing instance as a failed precheck, absent state and a clear failure', async () => {
    const run = await runAll(
      await awsRequest(
        'ec2-stop-instance',
        { instance_id: 'i-00000000000000000', region: 'us-east-1' },
        credential,
      ),
    )
    expect(run.prechecks).toEqual([
      { name: 'instance-exists', advisory: false, passed: false, message: 'the instance does not exist' },
    ])
    expect(run.before).toEqual({ exists: false })
    expect(run.result).toEqual({
      ok: false,
      error: expect.stringMatching(
        /^EC2\.StopInstances failed: InvalidInstanceID\.NotFound \(HTTP 400\).*does not exist/,
      ),
    })
  })
})

describe('ECS actions', () => {
  it('ecs-scale-service sets the desired count and the state shows before and after', async () => {
    const run = await runAll(
      await awsRequest(
        'ecs-scale-service',
        { cluster: 'prod', service: 'web', desired_count: 6, region: 'us-east-1' },
        credential,
      ),
    )
    expect(run.prechecks).toMatchObject([{ name: 'service-exists', passed: true }])
    expect(run.before).toEqual({ exists: true, desired_count: 2, running_count: 2, status: 'ACTIVE' })
    expect(run.result.ok).toBe(true)
    expect(run.after).toMatchObject({ desired_count: 6 })
    expect(fake.calls.find((c) => c.operation === 'UpdateService')!.input).toEqual({
      cluster: 'prod',
      service: 'web',
      desiredCount: 6,
    })
  })

  it('ecs-update-service sends only the settings given', async () => {
    const request = await awsRequest(
      'ecs-update-service',
      { cluster: 'prod', service: 'web', force_new_deployment: true, region: 'us-east-1' },
      credential,
    )
    expect((await executor().execute(request)).ok).toBe(true)
    expect(fake.calls.find((c) => c.operation === 'UpdateService')!.input).toEqual({
      cluster: 'prod',
      service: 'web',
      forceNewDeployment: true,
    })
    expect(fake.services.get('prod/web')!.desired).toBe(2)
  })

  it('ecs-stop-task stops the task with the reason given', async () => {
    const run = await runAll(
      await awsRequest(
        'ecs-stop-task',
        { cluster: 'prod', task: '0f1e2d3c4b5a', reason: 'stuck', region: 'us-east-1' },
        credential,
      ),
    )
    expect(run.before).toMatchObject({ exists: true, last_status: 'RUNNING' })
    expect(run.after).toMatchObject({ exists: true, last_status: 'STOPPED' })
    expect(fake.calls.find((c) => c.operation === 'StopTask')!.input).toEqual({
      cluster: 'prod',
      task: '0f1e2d3c4b5a',
      reason: 'stuck',
    })
  })

  it('a missing service fails its precheck and its update', async () => {
    const run = await runAll(
      await awsRequest(
        'ecs-scale-service',
        { cluster: 'prod', service: 'gone', desired_count: 1, region: 'us-east-1' },
        credential,
      ),
    )
    expect(run.prechecks).toMatchObject([{ name: 'service-exists', passed: false }])
    expect(run.result).toMatchObject({
      ok: false,
      error: expect.stringContaining('ServiceNotFoundException'),
    })
  })
})

describe('IAM actions', () => {
  const params = { role_name: 'app-role', policy_arn: POLICY, region: 'us-east-1' }

  it('attach then detach moves the policy in and out of the role', async () => {
    const attach = await runAll(await awsRequest('iam-attach-role-policy', params, credential))
    expect(attach.prechecks.map((p) => [p.name, p.passed])).toEqual([
      ['role-exists', true],
      ['policy-exists', true],
    ])
    expect(attach.before).toEqual({ exists: true, attached_policies: [] })
    expect(attach.after).toEqual({ exists: true, attached_policies: [POLICY] })

    const detach = await runAll(await awsRequest('iam-detach-role-policy', params, credential))
    expect(detach.prechecks.map((p) => [p.name, p.passed])).toEqual([
      ['role-exists', true],
      ['policy-attached', true],
    ])
    expect(detach.after).toEqual({ exists: true, attached_policies: [] })
  })

  it('fails the prechecks for an unknown policy and a policy that is not attached', async () => {
    const unknown = await awsRequest(
      'iam-attach-role-policy',
      { ...params, policy_arn: 'arn:aws:iam::123456789012:policy/nope' },
      credential,
    )
    expect(await executor().prechecks(unknown)).toMatchObject([
      { passed: true },
      { name: 'policy-exists', passed: false },
    ])
    const detached = await awsRequest('iam-detach-role-policy', params, credential)
    expect(await executor().prechecks(detached)).toMatchObject([
      { passed: true },
      { name: 'policy-attached', passed: false },
    ])
  })
})

describe('Lambda actions', () => {
  it('lambda-update-function-config changes memory and environment, and state shows the old values', async () => {
    const request = await awsRequest(
      'lambda-update-function-config',
      {
        function_name: 'resize',
        memory_size: 512,
        environment_variables: '{"LOG_LEVEL":"debug"}',
        region: 'us-east-1',
      },
      credential,
    )
    const run = await runAll(request)
    expect(run.before).toMatchObject({ memory_size: 128, timeout: 3, runtime: 'nodejs20.x' })
    expect(run.after).toMatchObject({ memory_size: 512, timeout: 3 })
    expect(fake.functions.get('resize')!.variables).toEqual({ LOG_LEVEL: 'debug' })
  })

  it('refuses environment variables that are not a JSON object of strings, before any call', async () => {
    const request = await awsRequest(
      'lambda-update-function-config',
      { function_name: 'resize', environment_variables: '{"N":1}', region: 'us-east-1' },
      credential,
    )
    const checks = await executor().prechecks(request)
    expect(checks.find((c) => c.name === 'environment-valid')).toMatchObject({
      passed: false,
      message: expect.stringContaining('environment_variables'),
    })
    fake.calls.length = 0
    expect(await executor().execute(request)).toEqual({
      ok: false,
      error: expect.stringContaining("parameter 'environment_variables'"),
    })
    expect(fake.calls).toEqual([])
  })

  it('lambda-invoke-function returns the payload, and a function error is a failure', async () => {
    const ok = await executor().execute(
      await awsRequest(
        'lambda-invoke-function',
        { function_name: 'resize', payload: '{"w":10}', region: 'us-east-1' },
        credential,
      ),
    )
    expect(ok).toEqual({
      ok: true,
      output: { status_code: 200, function_error: null, executed_version: '$LATEST', payload: '{"w":10}' },
    })

    fake.functions.get('resize')!.invoke = () => ({ payload: '{"errorMessage":"boom"}', error: 'Unhandled' })
    const failed = await executor().execute(
      await awsRequest(
        'lambda-invoke-function',
        { function_name: 'resize', region: 'us-east-1' },
        credential,
      ),
    )
    expect(failed).toMatchObject({
      ok: false,
      error: 'Lambda.Invoke: the function returned an error (Unhandled): {"errorMessage":"boom"}',
    })
  })
})

describe('retries', () => {
  it("sends the action's own call once, though reads are retried as configured", async () => {
    const retrying = awsExecutor({ endpoint: fake.url, max_attempts: 3 })
    fake.fail.add('lambda:Invoke')
    fake.fail.add('lambda:GetFunctionConfiguration')
    const request = await awsRequest(
      'lambda-invoke-function',
      { function_name: 'resize', payload: '{}', region: 'us-east-1' },
      credential,
    )
    // The first Invoke may have run the function: sending it again could run it twice.
    expect(await retrying.execute(request)).toMatchObject({ ok: false })
    expect(operations().filter((op) => op === 'lambda:Invoke')).toHaveLength(1)
    const update = await awsRequest(
      'lambda-update-function-config',
      { function_name: 'resize', memory_size: 512, region: 'us-east-1' },
      credential,
    )
    await expect(retrying.getState(update)).rejects.toThrow()
    expect(operations().filter((op) => op === 'lambda:GetFunctionConfiguration')).toHaveLength(3)
  })
})

describe('S3 bucket policy (the fake; s3rver does not implement bucket policies)', () => {
  it('s3-put-bucket-policy replaces the policy and the state keeps the old one for rollback', async () => {
    const policy =
      '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}]}'
    const run = await runAll(
      await awsRequest(
        's3-put-bucket-policy',
        { bucket: 'audit-logs', policy, region: 'us-east-1' },
        credential,
      ),
    )
    expect(run.prechecks.map((p) => [p.name, p.passed])).toEqual([
      ['bucket-exists', true],
      ['policy-valid', true],
    ])
    expect(run.before).toEqual({ exists: true, policy: null })
    expect(run.after).toEqual({ exists: true, policy })
  })

  it('policy-valid fails a document without statements', async () => {
    const request = await awsRequest(
      's3-put-bucket-policy',
      { bucket: 'audit-logs', policy: '{"Version":"2012-10-17"}', region: 'us-east-1' },
      credential,
    )
    expect((await executor().prechecks(request))[1]).toMatchObject({ name: 'policy-valid', passed: false })
  })
})

describe('failures and safety', () => {
  it('turns AccessDenied into a failure that says the credential is not allowed', async () => {
    fake.deny.add('ec2:StopInstances')
    const result = await executor().execute(
      await awsRequest('ec2-stop-instance', { instance_id: INSTANCE, region: 'us-east-1' }, credential),
    )
    expect(result).toEqual({
      ok: false,
      error: expect.stringMatching(
        /^EC2\.StopInstances failed: UnauthorizedOperation \(HTTP 403\).*not allowed/,
      ),
    })
    expect(fake.instances.get(INSTANCE)!.state).toBe('running')
  })

  it('signs with the credential of the run, not one found in the environment', async () => {
    const stranger = awsCredential('AKIASOMEONEELSE00000', 'other')
    const result = await executor().execute(
      await awsRequest(
        'ecs-scale-service',
        { cluster: 'prod', service: 'web', desired_count: 1, region: 'us-east-1' },
        stranger,
      ),
    )
    expect(result).toMatchObject({ ok: false, error: expect.stringContaining('AccessDeniedException') })
    expect(fake.calls.map((c) => c.access_key_id)).toEqual(['AKIASOMEONEELSE00000'])
  })

  it('fails before sending anything when the run carries no credential', async () => {
    const request = await awsRequest(
      'ec2-stop-instance',
      { instance_id: INSTANCE, region: 'us-east-1' },
      undefined,
    )
    await expect(executor().execute(request)).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('no credential'),
    })
    expect(fake.calls).toEqual([])
  })

  it('gives up when the signal aborts, and says so', async () => {
    fake.hang.add('ec2:StopInstances')
    const controller = new AbortController()
    const request = await awsRequest(
      'ec2-stop-instance',
      { instance_id: INSTANCE, region: 'us-east-1' },
      credential,
      controller.signal,
    )
    const pending = executor().execute(request)
    while (!operations().includes('ec2:StopInstances')) await new Promise((r) => setTimeout(r, 5))
    controller.abort(new Error('timeout'))
    expect(await pending).toEqual({
      ok: false,
      error: 'EC2.StopInstances was aborted (timeout or cancellation) before AWS answered',
    })
  })

  it('never puts the secret in plans, results or errors', async () => {
    fake.deny.add('ecs:UpdateService')
    const request = await awsRequest(
      'ecs-scale-service',
      { cluster: 'prod', service: 'web', desired_count: 1, region: 'us-east-1' },
      credential,
    )
    const aws = executor()
    const seen = JSON.stringify([
      aws.plan(request),
      await aws.prechecks(request),
      await aws.getState(request),
      await aws.execute(request),
    ])
    expect(seen).not.toContain(SECRET)
    expect(seen).not.toContain(KEY)
  })

  it('refuses a region that is not a region name, so it cannot steer the AWS hostname', async () => {
    const request = await awsRequest(
      'ec2-stop-instance',
      { instance_id: INSTANCE, region: 'us-east-1' },
      credential,
    )
    const forged = { ...request, params: { ...request.params, region: 'evil.example#' } }
    expect(() => executor().plan(forged)).toThrow(/parameter 'region': expected an AWS region name/)
    expect(await executor().execute(forged)).toMatchObject({
      ok: false,
      error: expect.stringContaining("parameter 'region'"),
    })
    expect(fake.calls).toEqual([])
  })

  it('rejects a plain-http endpoint that is not loopback, and an unknown service in the endpoint map', () => {
    expect(() => awsExecutor({ endpoint: 'http://s3.example.com' })).toThrow(/must use https/)
    expect(() => awsExecutor({ endpoint: { sqs: 'https://sqs.example.com' } as never })).toThrow(
      /endpoint\.sqs: not an AWS service/,
    )
    expect(() => awsExecutor({ endpoint: 'https://s3.example.com' })).not.toThrow()
  })
})
