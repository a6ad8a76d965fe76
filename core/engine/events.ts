/**
 * The engine's names for the run's event stream, which is declared once in `core/contract/events.ts` because it crosses
 * the contract unchanged.
 */
import type { RunEvent } from '../contract/events';

export type { ArtifactSummary, LeftBehind, ResourcePhase } from '../contract/events';
export type { StepEnd } from '../common/run-result';

export type EngineEvent = RunEvent;

export type EngineEventKind = EngineEvent['kind'];

/** Distributive Omit, so each member of the union keeps its own fields. */
type OmitEach<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An event before the engine stamps it with time and build name. */
export type EventBody = OmitEach<EngineEvent, 'time' | 'build'>;

export type EventListener = (event: EngineEvent) => void;
