export { formatTerminalNotice, type TerminalChannelConfig, terminalChannel } from './terminal-channel.js'
