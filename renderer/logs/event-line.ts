/** Engine events as the renderer receives them, and their log-line wording (shared with the host, in the contract). */
import type { RunEventBatch } from '../../core/contract/methods';

export type EngineEvent = RunEventBatch['events'][number];
export { eventLogLine as eventLine } from '../../core/contract/log-line';
