import { unauthenticated } from './unauthenticated.js'

/**
 * The token of an `Authorization: Bearer <token>` header, or null when the
 * header is absent or uses another scheme.
 *
 * @throws AirlockError `UNAUTHENTICATED` for `Bearer` with no token.
 */
export function bearerToken(request: Request): string | null {
  const header = request.headers.get('authorization')
  if (header === null) return null
  const space = header.indexOf(' ')
  const scheme = space === -1 ? header : header.slice(0, space)
  if (scheme.toLowerCase() !== 'bearer') return null
  const token = space === -1 ? '' : header.slice(space + 1).trim()
  if (token === '') throw unauthenticated('The Authorization header has the Bearer scheme but no token')
  return token
}
