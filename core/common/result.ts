/**
 * The one result shape of Bakehouse: failures that a caller is expected to handle are values, not exceptions (they do not
 * survive IPC, and a build reports them rather than crashing). `E` is a message by default; validation returns every problem
 * (`string[]`), the contract its `ContractError`.
 */
export type Result<T = void, E = string> = Ok<T> | Err<E>;
export interface Ok<T> {
  ok: true;
  value: T;
}
export interface Err<E> {
  ok: false;
  error: E;
}

export function ok(): Ok<void>;
export function ok<T>(value: T): Ok<T>;
export function ok<T>(value?: T): Ok<T | undefined> {
  return { ok: true, value };
}

export const err = <E>(error: E): Err<E> => ({ ok: false, error });

/** What every cancelled build, step or command reports, as Packer words it. */
export const CANCELLED = 'Build was cancelled.';

export const cancelled = (): Err<string> => err(CANCELLED);
