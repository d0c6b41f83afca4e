import type { Child } from 'hono/jsx'
import type { Principal } from '../../identity/principal.js'
import type { Session } from '../session-store.js'

/** Navigation entries, in order. */
const NAV = [
  ['overview', 'Overview', 'o'],
  ['inbox', 'Inbox', 'i'],
  ['audit', 'Audit', 'a'],
  ['actions', 'Actions', 'c'],
  ['policies', 'Policies', 'p'],
] as const

export type PageName = (typeof NAV)[number][0] | 'sign-in' | 'error'

export interface LayoutProps {
  readonly base: string
  readonly title: string
  readonly page: PageName
  readonly session: Session | null
  readonly demo: boolean
  readonly children?: Child
}

function UserBox(props: { base: string; principal: Principal; csrf: string }) {
  const { principal } = props
  return (
    <div class="user">
      <span class="who" title={`tenant ${principal.tenant_id}, signed in with ${principal.auth}`}>
        {principal.actor_id}
        <small>{principal.roles.join(', ') || 'no roles'}</small>
      </span>
      <form method="post" action={`${props.base}/sign-out`}>
        <input type="hidden" name="csrf" value={props.csrf} />
        <button type="submit" class="link">
          Sign out
        </button>
      </form>
    </div>
  )
}

/** The page frame: header with navigation and the signed-in user, one stylesheet, one script. */
export function Layout(props: LayoutProps) {
  const { base, session } = props
  const flash = session?.flash ?? null
  if (session) session.flash = null
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · Airlock`}</title>
        <link rel="stylesheet" href={`${base}/assets/dashboard.css`} />
        <script src={`${base}/assets/dashboard.js`} defer />
      </head>
      <body data-page={props.page} data-base={base}>
        <header class="top">
          <a class="brand" href={`${base}/`}>
            Airlock
          </a>
          {props.demo ? (
            <span class="badge demo" title="Sample data seeded at start: not real activity">
              demo data
            </span>
          ) : null}
          {session ? (
            <nav>
              {NAV.map(([page, label, key]) => (
                <a
                  href={`${base}/${page}`}
                  class={page === props.page ? 'current' : ''}
                  aria-current={page === props.page ? 'page' : undefined}
                  data-key={key}
                >
                  {label}
                </a>
              ))}
            </nav>
          ) : null}
          {session ? <UserBox base={base} principal={session.principal} csrf={session.csrf} /> : null}
        </header>
        <main>
          {flash ? (
            <p class={`flash ${flash.kind}`} role={flash.kind === 'error' ? 'alert' : 'status'}>
              {flash.text}
            </p>
          ) : null}
          {props.children}
        </main>
        <footer>
          <span>
            Keys: <kbd>g</kbd> then <kbd>o</kbd>/<kbd>i</kbd>/<kbd>a</kbd>/<kbd>c</kbd>/<kbd>p</kbd> to move
            between pages, <kbd>?</kbd> for help
          </span>
        </footer>
      </body>
    </html>
  )
}

/** A page that says no, with the reason. */
export function Refusal(props: { title: string; message: string }) {
  return (
    <section class="refusal">
      <h1>{props.title}</h1>
      <p>{props.message}</p>
    </section>
  )
}
