/** What every contract method returns: exceptions do not survive IPC, so failures are values (core/common/result.ts). */
import { err, type Err, type Result as CommonResult } from '../common/result';

/** `locked`: the credential vault needs its passphrase first (the UI shows its unlock dialog and calls again). */
export type ErrorCode = 'invalid-input' | 'not-found' | 'io' | 'template' | 'engine' | 'unauthorized' | 'locked' | 'internal';

/** One problem with one field of a form, named by its path (`assume_role.role_arn`). */
export interface FieldProblem {
  field: string;
  message: string;
}

export interface ContractError {
  code: ErrorCode;
  message: string;
  /** The input field that was wrong, for `invalid-input`. */
  field?: string;
  /** Every problem of a form at once, for `invalid-input`: each field's message is shown beside it. */
  problems?: FieldProblem[];
}

export type Result<T> = CommonResult<T, ContractError>;

export const failure = (code: ErrorCode, message: string, field?: string): Err<ContractError> => err({ code, message, field });
