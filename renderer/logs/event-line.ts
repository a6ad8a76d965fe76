/** A run event's log-line wording, shared with the host (in the contract). */
export { eventLogLine as eventLine } from '../../core/contract/log-line';
