// Actions for the config tests, written as a user would in plain JavaScript.
import { z } from 'zod'
import { defineAction } from '../../actions/define-action.ts'

export const echo = defineAction({
  name: 'echo',
  description: 'Return the message',
  risk: 'low',
  input: z.object({ message: z.string() }),
  handler: ({ message }) => ({ message }),
})

const shout = defineAction({
  name: 'shout',
  description: 'Return the message in capitals',
  risk: 'low',
  input: z.object({ message: z.string() }),
  handler: ({ message }) => ({ message: message.toUpperCase() }),
})

export const notAnAction = 42

export default [shout, echo]
