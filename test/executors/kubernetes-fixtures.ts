import type { FakeKubernetesApi } from '../helpers/fake-kubernetes-api.js'

/** A small cluster: two nodes, one app deployment with two revisions, an HPA, config, a secret, a budget. */
export function seedCluster(fake: FakeKubernetesApi): void {
  for (const name of ['default', 'kube-system', 'dev']) fake.put('namespaces', { metadata: { name } })
  fake.put('nodes', { metadata: { name: 'n1' }, spec: {} })
  fake.put('nodes', { metadata: { name: 'n2' }, spec: {} })
  const template = (image: string) => ({
    metadata: { labels: { app: 'web' } },
    spec: {
      containers: [
        { name: 'app', image },
        { name: 'sidecar', image: 'envoy:1' },
      ],
    },
  })
  const d = fake.put('deployments', {
    metadata: { name: 'web', namespace: 'dev', annotations: { 'deployment.kubernetes.io/revision': '2' } },
    spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: template('web:2') },
  })
  const owner = [
    { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: d.metadata.uid, controller: true },
  ]
  for (const [rev, image] of [
    ['1', 'web:1'],
    ['2', 'web:2'],
  ] as const) {
    const t = template(image)
    fake.put('replicasets', {
      metadata: {
        name: `web-${rev}`,
        namespace: 'dev',
        labels: { app: 'web', 'pod-template-hash': rev },
        annotations: { 'deployment.kubernetes.io/revision': rev },
        ownerReferences: owner,
      },
      spec: { template: { ...t, metadata: { labels: { app: 'web', 'pod-template-hash': rev } } } },
    })
  }
  const rsOwner = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-2', uid: 'rs', controller: true }]
  fake.put('pods', {
    metadata: { name: 'web-a', namespace: 'dev', labels: { app: 'web' }, ownerReferences: rsOwner },
    spec: {
      nodeName: 'n1',
      containers: [{ name: 'app', image: 'web:2' }],
      volumes: [{ name: 'c', configMap: { name: 'settings' } }],
    },
    status: { phase: 'Running' },
  })
  fake.put('pods', {
    metadata: { name: 'web-b', namespace: 'dev', labels: { app: 'web' }, ownerReferences: rsOwner },
    spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'web:2' }] },
    status: { phase: 'Running' },
  })
  fake.put('pods', {
    metadata: {
      name: 'agent',
      namespace: 'kube-system',
      ownerReferences: [{ kind: 'DaemonSet', name: 'agent', uid: 'ds', controller: true }],
    },
    spec: { nodeName: 'n1', containers: [{ name: 'agent', image: 'agent:1' }] },
    status: { phase: 'Running' },
  })
  fake.put('pods', {
    metadata: { name: 'lonely', namespace: 'dev' },
    spec: { nodeName: 'n2', containers: [{ name: 'main', image: 'busybox' }] },
    status: { phase: 'Running' },
  })
  fake.logs.set('dev/web-a', 'line 1\nline 2\nline 3\n')
  fake.put('horizontalpodautoscalers', {
    metadata: { name: 'web', namespace: 'dev' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 2,
      maxReplicas: 10,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
        },
        {
          type: 'Pods',
          pods: { metric: { name: 'rps' }, target: { type: 'AverageValue', averageValue: '100' } },
        },
      ],
    },
  })
  fake.put('configmaps', {
    metadata: { name: 'settings', namespace: 'dev' },
    data: { mode: 'fast', level: '3' },
  })
  fake.put('secrets', {
    metadata: { name: 'db', namespace: 'dev' },
    type: 'Opaque',
    data: { password: 'c3VwZXJzZWNyZXQ=' },
  })
  fake.put('poddisruptionbudgets', {
    metadata: { name: 'web', namespace: 'dev' },
    spec: { selector: { matchLabels: { app: 'web' } } },
    status: { disruptionsAllowed: 1 },
  })
}
