/**
 * Switches a test flips to make the emulator misbehave the way Azure does: throttling (429 with Retry-After,
 * learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling), a server error on an
 * operation (e.g. a 500 on capture), a long-running operation that ends Failed, and a slow delete. Operations are named
 * by their operationId in azure-rest-api-specs (`VirtualMachines_CreateOrUpdate`, `Images_CreateOrUpdate`, …), the same
 * names `calls` counts under.
 */
import { armError, type ArmError } from './wire';

interface CallFault {
  operation: string;
  /** 1-based call numbers of the operation that fail. */
  from: number;
  to: number;
  error: ArmError;
}

export interface LroFailure {
  code: string;
  message: string;
}

export class Faults {
  private callFaults: CallFault[] = [];
  private lroFailures = new Map<string, LroFailure[]>();
  /** How long every DELETE's long-running operation takes at least, in ms. */
  deleteDelayMs = 0;

  /** Answers 429 TooManyRequests with Retry-After to the nth call of `operation` (and the `times - 1` after it). */
  throttle(operation: string, opts: { nth?: number; times?: number; retryAfterSeconds?: number } = {}): void {
    const from = opts.nth ?? 1;
    this.callFaults.push({
      operation,
      from,
      to: from + (opts.times ?? 1) - 1,
      error: armError(429, 'TooManyRequests', `The request is being throttled as the limit has been reached for operation type - ${operation}.`, { 'Retry-After': String(opts.retryAfterSeconds ?? 1) }),
    });
  }

  /** Answers an error (500 InternalServerError unless told) to the nth call of `operation`, `times` times (Infinity: every call). */
  fail(operation: string, opts: { nth?: number; times?: number; status?: number; code?: string; message?: string } = {}): void {
    const from = opts.nth ?? 1;
    this.callFaults.push({
      operation,
      from,
      to: from + (opts.times ?? 1) - 1,
      error: armError(opts.status ?? 500, opts.code ?? 'InternalServerError', opts.message ?? 'An internal execution error occurred. Please retry later.'),
    });
  }

  /** The next long-running operation started by `operation` ends with status Failed and this error. */
  failLro(operation: string, error: Partial<LroFailure> = {}): void {
    const list = this.lroFailures.get(operation) ?? [];
    list.push({ code: error.code ?? 'InternalOperationError', message: error.message ?? `The operation ${operation} failed.` });
    this.lroFailures.set(operation, list);
  }

  /** Every DELETE takes at least `ms` before its operation reports Succeeded. */
  slowDelete(ms: number): void {
    this.deleteDelayMs = ms;
  }

  clear(): void {
    this.callFaults = [];
    this.lroFailures.clear();
    this.deleteDelayMs = 0;
  }

  /** The error the `call`th call of `operation` meets, if any. */
  onCall(operation: string, call: number): ArmError | undefined {
    return this.callFaults.find((f) => f.operation === operation && call >= f.from && call <= f.to)?.error;
  }

  /** Takes the failure queued for the next LRO of `operation`. */
  takeLroFailure(operation: string): LroFailure | undefined {
    return this.lroFailures.get(operation)?.shift();
  }
}
