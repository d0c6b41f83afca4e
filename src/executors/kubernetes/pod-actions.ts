/**
 * Pod actions: delete, logs, exec and port-forward.
 *
 * @module
 */
import { Writable } from 'node:stream'
import type { V1Pod } from '@kubernetes/client-node'
import {
  done,
  exists,
  type KubeAction,
  type KubeCheckFn,
  type KubeParams,
  qualified,
  refused,
} from './kube-action.js'
import type { KubeApis } from './kube-client.js'

/** Output kept from exec and logs; the rest is cut and said so. */
const OUTPUT_LIMIT = 64 * 1024

const ref = (p: KubeParams) => ({ name: p.str('pod'), namespace: p.str('namespace') })
const read = (api: KubeApis, p: KubeParams): Promise<V1Pod> =>
  api.core.readNamespacedPod(ref(p), api.options())
const id = (p: KubeParams) => qualified(p.str('namespace'), p.str('pod'))

const podExists: KubeCheckFn = exists('pod', id, async (api, p) => {
  await read(api, p)
  return { passed: true, message: `pod ${id(p)} exists` }
})

const podRunning: KubeCheckFn = exists('pod', id, async (api, p) => {
  const phase = (await read(api, p)).status?.phase ?? 'Unknown'
  return phase === 'Running'
    ? { passed: true, message: `pod ${id(p)} is Running` }
    : { passed: false, message: `pod ${id(p)} is ${phase}, not Running` }
})

export const deletePod: KubeAction = {
  plan: (p) => ({
    operation: 'CoreV1Api.deleteNamespacedPod',
    args: { ...ref(p), gracePeriodSeconds: p.optInt('grace_period') ?? 30 },
  }),
  async run(api, p) {
    await api.core.deleteNamespacedPod(
      { ...ref(p), gracePeriodSeconds: p.optInt('grace_period') ?? 30 },
      api.options(),
    )
    return done({ pod: id(p), deleted: true })
  },
  checks: {
    'pod-exists': podExists,
    async 'has-controller'(api, p) {
      const owner = (await read(api, p)).metadata?.ownerReferences?.find((o) => o.controller === true)
      return owner === undefined
        ? { passed: false, message: `pod ${id(p)} has no controller: it will not come back` }
        : { passed: true, message: `pod ${id(p)} is recreated by ${owner.kind} ${owner.name}` }
    },
  },
}

function capped(text: string): { text: string; truncated: boolean } {
  return text.length > OUTPUT_LIMIT
    ? { text: text.slice(text.length - OUTPUT_LIMIT), truncated: true }
    : { text, truncated: false }
}

const logArgs = (p: KubeParams) => {
  const container = p.optStr('container')
  return {
    ...ref(p),
    tailLines: p.optInt('tail_lines') ?? 100,
    ...(container === undefined ? {} : { container }),
  }
}

export const getPodLogs: KubeAction = {
  plan: (p) => ({ operation: 'CoreV1Api.readNamespacedPodLog', args: logArgs(p) }),
  async run(api, p) {
    const log = await api.core.readNamespacedPodLog(logArgs(p), api.options())
    const { text, truncated } = capped(String(log))
    return done({ pod: id(p), log: text, truncated })
  },
  checks: { 'pod-exists': podExists },
}

/** Collects a stream into a size-capped string. */
class Collector extends Writable {
  text = ''
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    if (this.text.length < OUTPUT_LIMIT) this.text += chunk.toString('utf8')
    callback()
  }
}

async function containerOf(api: KubeApis, p: KubeParams): Promise<string> {
  const given = p.optStr('container')
  if (given !== undefined) return given
  return (await read(api, p)).spec?.containers[0]?.name ?? ''
}

export const execPod: KubeAction = {
  plan: (p) => ({
    operation: 'Exec.exec (CoreV1 pods/exec over WebSocket)',
    args: {
      ...ref(p),
      container: p.optStr('container') ?? '<first container>',
      command: p.strings('command'),
      tty: false,
    },
  }),
  async run(api, p, context) {
    const command = p.strings('command')
    if (command.length === 0) return refused('command must name a program to run')
    const container = await containerOf(api, p)
    const stdout = new Collector()
    const stderr = new Collector()
    const status = await new Promise<{ status?: string; message?: string }>((resolve, reject) => {
      const exec = new api.client.Exec(api.config)
      // Each command element is its own `command=` query parameter: never joined, never a shell.
      exec
        .exec(p.str('namespace'), p.str('pod'), container, command, stdout, stderr, null, false, (s) =>
          resolve(s),
        )
        .then((socket) => {
          context.signal.addEventListener('abort', () => socket.close(), { once: true })
          socket.on('close', () =>
            resolve({ status: 'Unknown', message: 'the connection closed without a status' }),
          )
        }, reject)
    })
    const output = {
      pod: id(p),
      container,
      stdout: capped(stdout.text).text,
      stderr: capped(stderr.text).text,
    }
    return status.status === 'Success'
      ? done(output)
      : refused(`command failed in ${id(p)}: ${status.message ?? status.status ?? 'no status'}`, output)
  },
  checks: { 'pod-running': podRunning },
}

export const portForward: KubeAction = {
  plan: (p) => ({
    operation: 'PortForward.portForward (CoreV1 pods/portforward over WebSocket)',
    args: { ...ref(p), local_port: p.int('local_port'), remote_port: p.int('remote_port') },
  }),
  async run(_api, p) {
    // A tunnel must outlive the call that opens it; a run ends when its call returns.
    return refused(
      `port-forward to ${id(p)} is an interactive tunnel that outlives a single run; the kubernetes executor does not hold sessions open (run kubectl port-forward yourself, or use a subprocess executor with a supervisor)`,
    )
  },
  checks: { 'pod-running': podRunning },
}
