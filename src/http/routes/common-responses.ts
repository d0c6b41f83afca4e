import type { RouteResponse } from '../route.js'
import { problemSchema } from '../wire-schemas.js'

function problemDoc(status: number, description: string): RouteResponse {
  return { status, description, schema: problemSchema, problem: true }
}

/** Responses every authenticated route may give. */
export const AUTHENTICATED_ERRORS: readonly RouteResponse[] = [
  problemDoc(400, 'Malformed request: the problem names the field'),
  problemDoc(401, 'No credential, or one that does not verify'),
  problemDoc(503, 'The store is unreachable'),
]

/** Extra responses of routes that read a JSON body. */
export const BODY_ERRORS: readonly RouteResponse[] = [
  problemDoc(413, 'The body is larger than the configured limit'),
  problemDoc(415, 'The body is not application/json'),
]

export { problemDoc }
