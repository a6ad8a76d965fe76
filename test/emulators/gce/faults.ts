/**
 * Switches a test flips to make the emulator misbehave the way Compute Engine does
 * (cloud.google.com/compute/docs/api/handle-errors): a call answered 429 rateLimitExceeded or 503 backendError (which a
 * client retries), and an operation that ends DONE with an error (cloud.google.com/compute/docs/reference/rest/v1/zoneOperations:
 * `error.errors[]`). Calls are named by their REST method id (`compute.instances.insert`), the names `calls` counts under.
 */
import { googleError, type GoogleReply } from './wire';

interface CallFault {
  method: string;
  from: number;
  to: number;
  reply: GoogleReply;
}

export interface OperationFailure {
  code: string;
  message: string;
}

export class Faults {
  private callFaults: CallFault[] = [];
  private opFailures = new Map<string, OperationFailure[]>();

  /** Answers 429 (or 503 with `status: 503`) to the nth call of `method`, `times` times. */
  throttle(method: string, opts: { nth?: number; times?: number; status?: 429 | 503 } = {}): void {
    const from = opts.nth ?? 1;
    const reply =
      opts.status === 503
        ? googleError(503, 'backendError', 'The service is currently unavailable.')
        : googleError(429, 'rateLimitExceeded', `Quota exceeded for quota metric 'Queries' and limit 'Queries per minute' of service 'compute.googleapis.com'.`);
    this.callFaults.push({ method, from, to: from + (opts.times ?? 1) - 1, reply });
  }

  /** The next operation `method` starts (`compute.images.insert`, …) ends DONE with this error. */
  failOperation(method: string, failure: Partial<OperationFailure> = {}): void {
    const list = this.opFailures.get(method) ?? [];
    list.push({ code: failure.code ?? 'INTERNAL_ERROR', message: failure.message ?? `The operation ${method} failed.` });
    this.opFailures.set(method, list);
  }

  clear(): void {
    this.callFaults = [];
    this.opFailures.clear();
  }

  onCall(method: string, call: number): GoogleReply | undefined {
    return this.callFaults.find((f) => f.method === method && call >= f.from && call <= f.to)?.reply;
  }

  takeOperationFailure(method: string): OperationFailure | undefined {
    return this.opFailures.get(method)?.shift();
  }
}
