/**
 * `npm run bench`: every benchmark in turn, printing its figures. Speed
 * targets live here, never in the test suite. `npm run bench -- policy
 * execute` runs only the named ones.
 *
 * @module
 */
const suites: Record<string, () => Promise<{ run: () => Promise<void> }>> = {
  throughput: async () => ({ run: (await import('./throughput.js')).benchThroughput }),
  replicas: async () => ({ run: (await import('./replicas.js')).benchReplicas }),
  'pg-writers': async () => ({ run: (await import('./pg-writers.js')).benchPgWriters }),
  policy: async () => ({ run: (await import('./policy.js')).benchPolicy }),
  replay: async () => ({ run: (await import('./replay.js')).benchReplay }),
  execute: async () => ({ run: (await import('./execute.js')).benchExecute }),
  store: async () => ({ run: (await import('./store.js')).benchStore }),
  'request-cpu': async () => ({ run: (await import('./request-cpu.js')).benchRequestCpu }),
  http: async () => ({ run: (await import('./http.js')).benchHttp }),
  limits: async () => ({ run: (await import('./limits.js')).benchLimits }),
  tickets: async () => ({ run: (await import('./tickets.js')).benchTickets }),
  redaction: async () => ({ run: (await import('./redaction.js')).benchRedaction }),
  mcp: async () => ({ run: (await import('./mcp.js')).benchMcp }),
  'ai-sdk': async () => ({ run: (await import('./integrations.js')).benchAiSdk }),
  hooks: async () => ({ run: (await import('./integrations.js')).benchHooks }),
  integrations: async () => ({ run: (await import('./agent-integrations.js')).benchIntegrations }),
  dashboard: async () => ({ run: (await import('./dashboard.js')).benchDashboard }),
  transparency: async () => ({ run: (await import('./transparency.js')).benchTransparency }),
  verify: async () => ({ run: (await import('./verify.js')).benchVerify }),
}

const wanted = process.argv.slice(2)
for (const name of wanted) {
  if (!(name in suites)) {
    console.error(`unknown benchmark '${name}'; known: ${Object.keys(suites).join(', ')}`)
    process.exit(2)
  }
}
for (const [name, load] of Object.entries(suites)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue
  console.log(`\n== ${name} ==`)
  await (await load()).run()
}
