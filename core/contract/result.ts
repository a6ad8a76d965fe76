/** What every contract method returns: exceptions do not survive IPC, so failures are values (core/common/result.ts). */
import { err, type Err, type Result as CommonResult } from '../common/result';

export type ErrorCode = 'invalid-input' | 'not-found' | 'io' | 'template' | 'engine' | 'unauthorized' | 'internal';

export interface ContractError {
  code: ErrorCode;
  message: string;
  /** The input field that was wrong, for `invalid-input`. */
  field?: string;
}

export type Result<T> = CommonResult<T, ContractError>;

export const failure = (code: ErrorCode, message: string, field?: string): Err<ContractError> => err({ code, message, field });
