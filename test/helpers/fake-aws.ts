/**
 * A FAKE of four AWS APIs, for tests only: EC2 (EC2 query protocol, XML),
 * IAM (AWS query protocol, XML), ECS (AWS JSON 1.1) and Lambda (REST-JSON),
 * plus S3's bucket-policy calls (REST-XML) that s3rver does not implement.
 * It speaks the wire formats the real AWS SDK v3 clients send and parse, on
 * one loopback port, and routes each request by the service named in its
 * SigV4 credential scope. It does NOT verify signatures; it only reads the
 * access key id, so tests can see which credential signed a call and what
 * an unknown key gets (AccessDenied). Its state lives in plain maps.
 *
 * @module
 */
import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface FakeInstance {
  type: string
  state: string
  termination_protection: boolean
}
export interface FakeService {
  desired: number
  running: number
  status: string
}
export interface FakeFunction {
  memory: number
  timeout: number
  runtime: string
  variables: Record<string, string>
  /** What an invocation answers; `error` sets X-Amz-Function-Error. */
  invoke?: (payload: string) => { payload: string; error?: string }
}

/** One call as the fake saw it. */
export interface FakeAwsCall {
  readonly service: string
  readonly operation: string
  readonly access_key_id: string
  readonly region: string
  readonly input: unknown
}

export interface FakeAws {
  readonly url: string
  readonly instances: Map<string, FakeInstance>
  /** Keyed `cluster/service`. */
  readonly services: Map<string, FakeService>
  /** Keyed `cluster/task-id`; the value is the task's lastStatus. */
  readonly tasks: Map<string, string>
  /** Role name → attached policy ARNs. */
  readonly roles: Map<string, Set<string>>
  readonly policies: Set<string>
  readonly functions: Map<string, FakeFunction>
  /** Bucket → policy JSON (null: bucket without a policy). */
  readonly buckets: Map<string, string | null>
  /** Access key ids the fake accepts; any other gets AccessDenied. */
  readonly access_keys: Set<string>
  /** `service:Operation` answered with AccessDenied whatever the key. */
  readonly deny: Set<string>
  /** `service:Operation` never answered (the client must give up). */
  readonly hang: Set<string>
  /** `service:Operation` answered with a 500 after it was received (an SDK retries such a call). */
  readonly fail: Set<string>
  readonly calls: FakeAwsCall[]
  close(): Promise<void>
}

type Reply = { status: number; headers?: Record<string, string>; body: string }
class FakeError {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly message: string,
  ) {}
}

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
const xml = (body: string): Reply => ({ status: 200, headers: { 'content-type': 'text/xml' }, body })
const json = (value: unknown, type = 'application/x-amz-json-1.1'): Reply => ({
  status: 200,
  headers: { 'content-type': type },
  body: JSON.stringify(value),
})

const EC2_STATE_CODES: Record<string, number> = {
  pending: 0,
  running: 16,
  stopping: 64,
  stopped: 80,
  'shutting-down': 32,
  terminated: 48,
}

function ec2(fake: FakeAws, op: string, form: URLSearchParams): Reply {
  const ids = [...form.entries()].filter(([k]) => k.startsWith('InstanceId.')).map(([, v]) => v)
  const id = ids[0] ?? form.get('InstanceId') ?? ''
  const instance = fake.instances.get(id)
  if (!instance)
    throw new FakeError(400, 'InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`)
  const stateXml = (name: string) => `<code>${EC2_STATE_CODES[name] ?? 0}</code><name>${name}</name>`
  const ns = 'xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"'
  const change = (next: string) => {
    const previous = instance.state
    instance.state = next
    return xml(
      `<${op}Response ${ns}><requestId>${randomUUID()}</requestId><instancesSet><item><instanceId>${id}</instanceId>` +
        `<currentState>${stateXml(next)}</currentState><previousState>${stateXml(previous)}</previousState></item></instancesSet></${op}Response>`,
    )
  }
  switch (op) {
    case 'DescribeInstances':
      return xml(
        `<DescribeInstancesResponse ${ns}><requestId>${randomUUID()}</requestId><reservationSet><item><reservationId>r-0001</reservationId>` +
          `<instancesSet><item><instanceId>${id}</instanceId><instanceType>${instance.type}</instanceType>` +
          `<instanceState>${stateXml(instance.state)}</instanceState></item></instancesSet></item></reservationSet></DescribeInstancesResponse>`,
      )
    case 'DescribeInstanceAttribute':
      return xml(
        `<DescribeInstanceAttributeResponse ${ns}><requestId>${randomUUID()}</requestId><instanceId>${id}</instanceId>` +
          `<disableApiTermination><value>${instance.termination_protection}</value></disableApiTermination></DescribeInstanceAttributeResponse>`,
      )
    case 'StartInstances':
      return change('running')
    case 'StopInstances':
      return change('stopped')
    case 'TerminateInstances':
      return change('terminated')
    case 'RebootInstances':
      return xml(
        `<RebootInstancesResponse ${ns}><requestId>${randomUUID()}</requestId><return>true</return></RebootInstancesResponse>`,
      )
    default:
      throw new FakeError(400, 'InvalidAction', `The fake does not implement ${op}`)
  }
}

function iam(fake: FakeAws, op: string, form: URLSearchParams): Reply {
  const ns = 'xmlns="https://iam.amazonaws.com/doc/2010-05-08/"'
  const wrap = (result: string) =>
    xml(
      `<${op}Response ${ns}>${result === '' ? '' : `<${op}Result>${result}</${op}Result>`}` +
        `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${op}Response>`,
    )
  const arn = form.get('PolicyArn') ?? ''
  if (op === 'GetPolicy') {
    if (!fake.policies.has(arn))
      throw new FakeError(404, 'NoSuchEntity', `Policy ${arn} does not exist or is not attachable.`)
    const name = arn.split('/').pop() ?? ''
    return wrap(
      `<Policy><PolicyName>${esc(name)}</PolicyName><Arn>${esc(arn)}</Arn><AttachmentCount>0</AttachmentCount></Policy>`,
    )
  }
  const roleName = form.get('RoleName') ?? ''
  const attached = fake.roles.get(roleName)
  if (!attached) throw new FakeError(404, 'NoSuchEntity', `The role with name ${roleName} cannot be found.`)
  switch (op) {
    case 'GetRole':
      return wrap(
        `<Role><Path>/</Path><RoleName>${esc(roleName)}</RoleName><RoleId>AROAFAKE</RoleId>` +
          `<Arn>arn:aws:iam::123456789012:role/${esc(roleName)}</Arn><CreateDate>2024-01-01T00:00:00Z</CreateDate></Role>`,
      )
    case 'ListAttachedRolePolicies': {
      const members = [...attached]
        .map(
          (a) =>
            `<member><PolicyName>${esc(a.split('/').pop() ?? '')}</PolicyName><PolicyArn>${esc(a)}</PolicyArn></member>`,
        )
        .join('')
      return wrap(`<AttachedPolicies>${members}</AttachedPolicies><IsTruncated>false</IsTruncated>`)
    }
    case 'AttachRolePolicy':
      if (!fake.policies.has(arn))
        throw new FakeError(404, 'NoSuchEntity', `Policy ${arn} does not exist or is not attachable.`)
      attached.add(arn)
      return wrap('')
    case 'DetachRolePolicy':
      if (!attached.delete(arn)) throw new FakeError(404, 'NoSuchEntity', `Policy ${arn} was not found.`)
      return wrap('')
    default:
      throw new FakeError(400, 'InvalidAction', `The fake does not implement ${op}`)
  }
}

function ecs(fake: FakeAws, op: string, input: Record<string, unknown>): Reply {
  const cluster = String(input.cluster ?? 'default')
  const serviceJson = (name: string, s: FakeService) => ({
    serviceName: name,
    serviceArn: `arn:aws:ecs:us-east-1:123456789012:service/${cluster}/${name}`,
    clusterArn: `arn:aws:ecs:us-east-1:123456789012:cluster/${cluster}`,
    desiredCount: s.desired,
    runningCount: s.running,
    status: s.status,
  })
  switch (op) {
    case 'DescribeServices': {
      const names = (input.services as string[]) ?? []
      const found = names.filter((n) => fake.services.has(`${cluster}/${n}`))
      return json({
        services: found.map((n) => serviceJson(n, fake.services.get(`${cluster}/${n}`)!)),
        failures: names.filter((n) => !found.includes(n)).map((n) => ({ arn: n, reason: 'MISSING' })),
      })
    }
    case 'UpdateService': {
      const name = String(input.service)
      const s = fake.services.get(`${cluster}/${name}`)
      if (!s) throw new FakeError(400, 'ServiceNotFoundException', 'Service not found.')
      if (typeof input.desiredCount === 'number') s.desired = input.desiredCount
      return json({ service: serviceJson(name, s) })
    }
    case 'DescribeTasks': {
      const ids = (input.tasks as string[]) ?? []
      const found = ids.filter((t) => fake.tasks.has(`${cluster}/${t}`))
      return json({
        tasks: found.map((t) => ({
          taskArn: `arn:aws:ecs:us-east-1:123456789012:task/${cluster}/${t}`,
          lastStatus: fake.tasks.get(`${cluster}/${t}`),
          desiredStatus: fake.tasks.get(`${cluster}/${t}`) === 'STOPPED' ? 'STOPPED' : 'RUNNING',
        })),
        failures: ids.filter((t) => !found.includes(t)).map((t) => ({ arn: t, reason: 'MISSING' })),
      })
    }
    case 'StopTask': {
      const key = `${cluster}/${String(input.task)}`
      if (!fake.tasks.has(key))
        throw new FakeError(400, 'InvalidParameterException', 'The referenced task was not found.')
      fake.tasks.set(key, 'STOPPED')
      return json({
        task: {
          taskArn: `arn:aws:ecs:us-east-1:123456789012:task/${key}`,
          lastStatus: 'STOPPED',
          stoppedReason: input.reason ?? null,
        },
      })
    }
    default:
      throw new FakeError(400, 'InvalidAction', `The fake does not implement ${op}`)
  }
}

function lambdaConfig(name: string, f: FakeFunction) {
  return {
    FunctionName: name,
    FunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
    Runtime: f.runtime,
    MemorySize: f.memory,
    Timeout: f.timeout,
    Environment: { Variables: f.variables },
    State: 'Active',
    LastUpdateStatus: 'Successful',
  }
}

function lambda(
  fake: FakeAws,
  method: string,
  path: string,
  body: string,
): { op: string; reply: () => Reply } {
  const m = /^\/2015-03-31\/functions\/([^/]+)(\/configuration|\/invocations)?$/.exec(path)
  if (!m) throw new FakeError(404, 'UnknownOperationException', `No route for ${method} ${path}`)
  const name = decodeURIComponent(m[1]!)
  const suffix = m[2] ?? ''
  const op =
    suffix === '/invocations'
      ? 'Invoke'
      : suffix === '/configuration'
        ? method === 'PUT'
          ? 'UpdateFunctionConfiguration'
          : 'GetFunctionConfiguration'
        : 'GetFunction'
  const reply = (): Reply => {
    const f = fake.functions.get(name)
    if (!f)
      throw new FakeError(
        404,
        'ResourceNotFoundException',
        `Function not found: arn:aws:lambda:us-east-1:123456789012:function:${name}`,
      )
    const type = 'application/json'
    if (op === 'GetFunction')
      return json({ Configuration: lambdaConfig(name, f), Code: { RepositoryType: 'S3' } }, type)
    if (op === 'GetFunctionConfiguration') return json(lambdaConfig(name, f), type)
    if (op === 'UpdateFunctionConfiguration') {
      const input = JSON.parse(body) as {
        MemorySize?: number
        Timeout?: number
        Environment?: { Variables?: Record<string, string> }
      }
      if (input.MemorySize !== undefined) f.memory = input.MemorySize
      if (input.Timeout !== undefined) f.timeout = input.Timeout
      if (input.Environment?.Variables !== undefined) f.variables = input.Environment.Variables
      return json(lambdaConfig(name, f), type)
    }
    const answer = f.invoke?.(body) ?? { payload: body }
    const headers: Record<string, string> = { 'content-type': type, 'x-amz-executed-version': '$LATEST' }
    if (answer.error !== undefined) headers['x-amz-function-error'] = answer.error
    return { status: 200, headers, body: answer.payload }
  }
  return { op, reply }
}

function s3(fake: FakeAws, method: string, url: URL, body: string): { op: string; reply: () => Reply } {
  const bucket = decodeURIComponent(url.pathname.split('/')[1] ?? '')
  const policy = url.searchParams.has('policy')
  const op =
    method === 'HEAD'
      ? 'HeadBucket'
      : policy
        ? method === 'PUT'
          ? 'PutBucketPolicy'
          : 'GetBucketPolicy'
        : `${method} object`
  const reply = (): Reply => {
    if (!fake.buckets.has(bucket))
      throw new FakeError(
        404,
        method === 'HEAD' ? 'NotFound' : 'NoSuchBucket',
        'The specified bucket does not exist',
      )
    if (op === 'HeadBucket') return { status: 200, body: '' }
    if (op === 'PutBucketPolicy') {
      fake.buckets.set(bucket, body)
      return { status: 204, body: '' }
    }
    if (op === 'GetBucketPolicy') {
      const current = fake.buckets.get(bucket)
      if (current === null || current === undefined)
        throw new FakeError(404, 'NoSuchBucketPolicy', 'The bucket policy does not exist')
      return { status: 200, headers: { 'content-type': 'application/json' }, body: current }
    }
    throw new FakeError(501, 'NotImplemented', 'The fake serves only bucket policies; use s3rver for objects')
  }
  return { op, reply }
}

function errorReply(service: string, error: FakeError): Reply {
  const { status, code, message } = error
  if (service === 'ec2') {
    return {
      status,
      headers: { 'content-type': 'text/xml' },
      body: `<Response><Errors><Error><Code>${code}</Code><Message>${esc(message)}</Message></Error></Errors><RequestID>${randomUUID()}</RequestID></Response>`,
    }
  }
  if (service === 'iam') {
    return {
      status,
      headers: { 'content-type': 'text/xml' },
      body: `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${esc(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
    }
  }
  if (service === 's3') {
    return {
      status,
      headers: { 'content-type': 'application/xml' },
      body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${esc(message)}</Message></Error>`,
    }
  }
  // ECS (JSON 1.1) names the error in `__type`; Lambda (REST-JSON) in the x-amzn-errortype header.
  return {
    status,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': code },
    body: JSON.stringify({ __type: code, message }),
  }
}

function scope(req: IncomingMessage): { key: string; region: string; service: string } {
  const m = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(req.headers.authorization ?? '')
  return m ? { key: m[1]!, region: m[2]!, service: m[3]! } : { key: '', region: '', service: '' }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

function route(
  fake: FakeAws,
  service: string,
  req: IncomingMessage,
  url: URL,
  body: string,
): { op: string; input: unknown; reply: () => Reply } {
  const method = req.method ?? 'GET'
  if (service === 'ec2' || service === 'iam') {
    const form = new URLSearchParams(body)
    const op = form.get('Action') ?? ''
    return {
      op,
      input: Object.fromEntries(form),
      reply: () => (service === 'ec2' ? ec2 : iam)(fake, op, form),
    }
  }
  if (service === 'ecs') {
    const op =
      String(req.headers['x-amz-target'] ?? '')
        .split('.')
        .pop() ?? ''
    const input = JSON.parse(body || '{}') as Record<string, unknown>
    return { op, input, reply: () => ecs(fake, op, input) }
  }
  if (service === 'lambda') {
    const { op, reply } = lambda(fake, method, url.pathname, body)
    return { op, input: body === '' ? null : body, reply }
  }
  if (service === 's3') {
    const { op, reply } = s3(fake, method, url, body)
    return { op, input: body === '' ? null : body, reply }
  }
  throw new FakeError(400, 'UnknownService', `The fake does not serve '${service}'`)
}

/** Starts the fake on 127.0.0.1 at a free port. */
export async function startFakeAws(): Promise<FakeAws> {
  const pending = new Set<ServerResponse>()
  const fake = {
    url: '',
    instances: new Map(),
    services: new Map(),
    tasks: new Map(),
    roles: new Map(),
    policies: new Set(),
    functions: new Map(),
    buckets: new Map(),
    access_keys: new Set(),
    deny: new Set(),
    hang: new Set(),
    fail: new Set(),
    calls: [],
  } as unknown as FakeAws & { url: string; close: () => Promise<void> }

  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req)
      const url = new URL(req.url ?? '/', 'http://fake')
      const { key, region, service } = scope(req)
      let reply: Reply
      try {
        const routed = route(fake, service, req, url, body)
        fake.calls.push({ service, operation: routed.op, access_key_id: key, region, input: routed.input })
        if (fake.hang.has(`${service}:${routed.op}`)) {
          pending.add(res)
          return
        }
        if (!fake.access_keys.has(key) || fake.deny.has(`${service}:${routed.op}`)) {
          const code =
            service === 'ecs' || service === 'lambda'
              ? 'AccessDeniedException'
              : service === 'ec2'
                ? 'UnauthorizedOperation'
                : 'AccessDenied'
          throw new FakeError(403, code, `User is not authorized to perform: ${service}:${routed.op}`)
        }
        if (fake.fail.has(`${service}:${routed.op}`)) {
          throw new FakeError(
            500,
            service === 'lambda' ? 'ServiceException' : 'InternalError',
            'internal failure',
          )
        }
        reply = routed.reply()
      } catch (error) {
        if (!(error instanceof FakeError)) throw error
        reply = errorReply(service, error)
      }
      res.writeHead(reply.status, { 'x-amzn-requestid': randomUUID(), ...reply.headers })
      res.end(req.method === 'HEAD' ? undefined : reply.body)
    })()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  fake.close = async () => {
    for (const res of pending) res.destroy()
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
  return fake
}
