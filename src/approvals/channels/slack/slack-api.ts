/**
 * The two Slack Web API calls the channel makes, over fetch.
 *
 * @module
 */

/** Where and as whom Slack's Web API is called. */
export interface SlackApiConfig {
  /** Bot token (`xoxb-…`) with the `chat:write` scope. */
  readonly bot_token: string
  /** Default `https://slack.com/api`; point it at a stand-in for tests. */
  readonly api_base_url?: string
}

/** Calls a Slack Web API method with a JSON body; throws with Slack's error when `ok` is false. */
export async function callSlack(
  config: SlackApiConfig,
  method: string,
  body: Readonly<Record<string, unknown>>,
): Promise<Record<string, unknown>> {
  const base = (config.api_base_url ?? 'https://slack.com/api').replace(/\/+$/, '')
  const response = await fetch(`${base}/${method}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${config.bot_token}`,
      'content-type': 'application/json; charset=utf-8',
    },
    body: JSON.stringify(body),
    redirect: 'error',
    signal: AbortSignal.timeout(10_000),
  })
  if (!response.ok) throw new Error(`Slack ${method} answered HTTP ${response.status}`)
  const data = (await response.json()) as Record<string, unknown>
  if (data.ok !== true) throw new Error(`Slack ${method} failed: ${String(data.error ?? 'unknown error')}`)
  return data
}
