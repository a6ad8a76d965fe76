/** What every contract method returns: exceptions do not survive IPC, so failures are values. */
export type ErrorCode = 'invalid-input' | 'not-found' | 'io' | 'template' | 'engine' | 'unauthorized' | 'internal';

export interface ContractError {
  code: ErrorCode;
  message: string;
  /** The input field that was wrong, for `invalid-input`. */
  field?: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ContractError };

export const success = <T>(value: T): Result<T> => ({ ok: true, value });
export const failure = (code: ErrorCode, message: string, field?: string): Result<never> => ({ ok: false, error: { code, message, field } });
