/** Subpath entry: explicit export list. */
export { scriptedTransport } from './scriptedTransport.js'
export type { ScriptedStep, ScriptedTransport } from './scriptedTransport.js'
