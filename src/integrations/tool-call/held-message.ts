/**
 * What a model is told when its tool call waits for a human.
 *
 * @module
 */
import { displayText } from '../../approvals/channels/display-text.js'

/** Tells the model the call is waiting for a human and did not run. */
export function heldMessage(tool: string, approval_id: string): string {
  return `HELD: \`${displayText(tool, 100)}\` needs a human's approval (${approval_id}); it has NOT run. Do not retry it; tell the user it is waiting for approval.`
}
