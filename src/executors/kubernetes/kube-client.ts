/**
 * Loads `@kubernetes/client-node` on first use and builds the API clients one
 * run talks through, from the run's credential, the executor's options or
 * the environment's default kubeconfig.
 *
 * @module
 */

import type {
  AppsV1Api,
  AutoscalingV2Api,
  ConfigurationOptions,
  CoreV1Api,
  KubeConfig,
  NetworkingV1Api,
  ObservableMiddleware,
  PolicyV1Api,
} from '@kubernetes/client-node'
import { AirlockError } from '../../errors/airlock-error.js'
import { ConfigError } from '../../errors/config-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import type { Credential } from '../executor.js'

type ClientNode = typeof import('@kubernetes/client-node')

let loading: Promise<ClientNode> | undefined

/** The peer dependency, imported once; a clear setup error when it is not installed. */
export function loadClientNode(): Promise<ClientNode> {
  loading ??= import('@kubernetes/client-node').catch((cause: unknown) => {
    loading = undefined
    throw new ConfigError(
      [
        {
          file: '@kubernetes/client-node',
          message:
            'the kubernetes executor needs the optional peer dependency @kubernetes/client-node 1.x: npm install @kubernetes/client-node@1',
        },
      ],
      { cause },
    )
  })
  return loading
}

/** Where the executor finds a cluster when the run carries no credential. */
export interface KubeConfigSource {
  /** Kubeconfig YAML text. */
  readonly kubeconfig?: string | undefined
  /** Path of a kubeconfig file. */
  readonly kubeconfig_path?: string | undefined
  /** Context to use instead of the file's current-context. */
  readonly context?: string | undefined
}

/** The clients of one run, all bound to the same cluster and abort signal. */
export interface KubeApis {
  readonly client: ClientNode
  readonly config: KubeConfig
  readonly core: CoreV1Api
  readonly apps: AppsV1Api
  readonly autoscaling: AutoscalingV2Api
  readonly networking: NetworkingV1Api
  readonly policy: PolicyV1Api
  /** Per-call options: the run's abort signal and, for patches, the patch content type. */
  options(contentType?: string): ConfigurationOptions
}

function fromCredential(client: ClientNode, credential: Credential): KubeConfig | undefined {
  const values = credential.values
  const config = new client.KubeConfig()
  if (values.kubeconfig !== undefined) {
    config.loadFromString(values.kubeconfig)
    if (values.context !== undefined) config.setCurrentContext(values.context)
    return config
  }
  if (values.token !== undefined && values.server !== undefined) {
    const cluster = {
      name: 'airlock',
      server: values.server,
      skipTLSVerify: false,
      ...(values.ca_data === undefined ? {} : { caData: values.ca_data }),
    }
    config.loadFromOptions({
      clusters: [cluster],
      users: [{ name: 'airlock', token: values.token }],
      contexts: [{ name: 'airlock', cluster: 'airlock', user: 'airlock' }],
      currentContext: 'airlock',
    })
    return config
  }
  return undefined
}

/**
 * The kubeconfig of one run: the credential's (`kubeconfig`, or `token` with
 * `server`), else, for an action that declares no credential, the
 * executor's configured one, else the default lookup (`KUBECONFIG`,
 * `~/.kube/config`, in-cluster service account). A credential that has
 * neither is refused: the run would otherwise act with the gateway's own,
 * usually broader, rights instead of the narrow ones it was given.
 */
export function resolveKubeConfig(
  client: ClientNode,
  source: KubeConfigSource,
  credential: Credential | undefined,
): KubeConfig {
  if (credential !== undefined) {
    const fromRun = fromCredential(client, credential)
    if (fromRun !== undefined) return fromRun
    const has = Object.keys(credential.values).sort().join(', ') || 'no fields'
    throw new AirlockError(
      ErrorCode.CREDENTIAL_UNAVAILABLE,
      `The ${credential.type} credential from ${credential.provider} for this run has neither 'kubeconfig' nor 'token' with 'server' (it has ${has}); the run does not fall back to the executor's own credentials`,
    )
  }
  const config = new client.KubeConfig()
  if (source.kubeconfig !== undefined) config.loadFromString(source.kubeconfig)
  else if (source.kubeconfig_path !== undefined) config.loadFromFile(source.kubeconfig_path)
  else config.loadFromDefault()
  if (source.context !== undefined) config.setCurrentContext(source.context)
  return config
}

/** Builds the clients of one run; every request they send is aborted with `signal`. */
export async function createKubeApis(
  source: KubeConfigSource,
  credential: Credential | undefined,
  signal: AbortSignal,
): Promise<KubeApis> {
  const client = await loadClientNode()
  const config = resolveKubeConfig(client, source, credential)
  return {
    client,
    config,
    core: config.makeApiClient(client.CoreV1Api),
    apps: config.makeApiClient(client.AppsV1Api),
    autoscaling: config.makeApiClient(client.AutoscalingV2Api),
    networking: config.makeApiClient(client.NetworkingV1Api),
    policy: config.makeApiClient(client.PolicyV1Api),
    options(contentType?: string): ConfigurationOptions {
      // The generated clients pick JSON Patch for every patch; merge and strategic
      // patches need the header replaced after the request is built.
      const middleware: ObservableMiddleware = {
        pre: (context) => {
          context.setSignal(signal)
          if (contentType !== undefined) context.setHeaderParam('Content-Type', contentType)
          return new client.Observable(Promise.resolve(context))
        },
        post: (response) => new client.Observable(Promise.resolve(response)),
      }
      return { middleware: [middleware], middlewareMergeStrategy: 'append' }
    },
  }
}
