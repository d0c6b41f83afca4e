import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'

/** Sends a rendered JSX page as a full HTML document (standards mode). */
export async function renderPage(
  c: Context,
  element: { toString(): string | Promise<string> },
  status: ContentfulStatusCode = 200,
): Promise<Response> {
  return c.html(`<!DOCTYPE html>${await element.toString()}`, status)
}
