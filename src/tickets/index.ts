/**
 * Execution tickets: short-lived signed JWTs (`typ: airlock-ticket+jwt`)
 * that let an executor run exactly one allowed request, once.
 *
 * @module
 */
export {
  DEFAULT_TICKET_AUDIENCE,
  DEFAULT_TICKET_TTL_S,
  type IssuedTicket,
  type IssueTicketOptions,
  issueTicket,
  MAX_TICKET_TTL_S,
  TICKET_TYPE,
  type TicketClaims,
} from './issue-ticket.js'
export { paramsHash } from './params-hash.js'
export { type ApprovalTicketOptions, approvalNonce, ticketForApproval } from './ticket-for-approval.js'
export {
  ANY,
  type ExpectedTicket,
  NONCE_RETENTION_MARGIN_S,
  type TicketRefusal,
  type TicketValidation,
  type ValidateTicketOptions,
  validateTicket,
} from './validate-ticket.js'
