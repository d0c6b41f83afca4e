/** The sign-in form: one field for an API key or a JWT. */
export function SignInView(props: { base: string; csrf: string; error: string | null; next: string }) {
  return (
    <section class="sign-in">
      <h1>Sign in</h1>
      <p>
        Paste an API key or a JWT that the gateway accepts. It is checked once and exchanged for a session
        cookie; it is not stored in the browser.
      </p>
      {props.error ? (
        <p class="flash error" role="alert">
          {props.error}
        </p>
      ) : null}
      <form method="post" action={`${props.base}/sign-in`} autocomplete="off">
        <input type="hidden" name="csrf" value={props.csrf} />
        <input type="hidden" name="next" value={props.next} />
        <label>
          API key or JWT
          <input type="password" name="credential" required autofocus spellcheck={false} />
        </label>
        <button type="submit" class="primary">
          Sign in
        </button>
      </form>
    </section>
  )
}
