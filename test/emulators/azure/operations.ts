/**
 * Long-running operations as Resource Manager runs them
 * (learn.microsoft.com/azure/azure-resource-manager/management/async-operations): a PUT answers 201/200 with
 * `provisioningState` Creating/Updating and an `Azure-AsyncOperation` header; a POST action or DELETE answers 202 with
 * `Location` (and, for compute and network, `Azure-AsyncOperation`) and `Retry-After`. The Azure-AsyncOperation URL
 * answers 200 `{status: InProgress|Succeeded|Failed|Canceled, error}`; the Location URL answers 202 while the operation
 * runs and 200 (or the error) when it ends.
 *
 * An operation ends when its work is done (e.g. the VM's container is up) and either a client has
 * polled it past `pollsBeforeDone` InProgress answers or `settleMs` has passed, so a client that never polls (an asynchronous resource-group delete)
 * still sees the resource go.
 */
import type { LroFailure } from './faults';
import type { ArmError, ArmReply } from './wire';

export type OperationStatus = 'InProgress' | 'Succeeded' | 'Failed' | 'Canceled';

export interface AsyncOperation {
  id: string;
  /** The operationId that started it, e.g. VirtualMachines_Deallocate. */
  operation: string;
  /** Where its status URLs live: `/subscriptions/{sub}/providers/{ns}/locations/{loc}` or `/subscriptions/{sub}` for resource groups. */
  scope: string;
  status: OperationStatus;
  startTime: string;
  endTime?: string;
  error?: LroFailure;
  polls: number;
  workDone: boolean;
}

export interface OperationSpec {
  operation: string;
  scope: string;
  /** What has to happen before the operation can succeed; a rejection fails the operation with that error. */
  work?: () => Promise<void>;
  /** A failure a fault switch queued: the operation ends Failed with it once the work is done. */
  failure?: LroFailure;
  /** Applies the outcome to the resources (provisioningState, removal). */
  settle: (outcome: { status: 'Succeeded' } | { status: 'Failed'; error: LroFailure }) => void;
  minMs?: number;
}

export interface OperationTiming {
  pollsBeforeDone: number;
  settleMs: number;
  retryAfterSeconds: number;
}

type Running = AsyncOperation & { spec: OperationSpec; started: number; timer?: NodeJS.Timeout };

export class Operations {
  private readonly ops = new Map<string, Running>();
  private closed = false;

  constructor(private readonly timing: OperationTiming, private readonly base: () => string) {}

  start(spec: OperationSpec): AsyncOperation {
    const op: Running = { id: crypto.randomUUID(), operation: spec.operation, scope: spec.scope, status: 'InProgress', startTime: new Date().toISOString(), polls: 0, workDone: false, spec, started: Date.now() };
    this.ops.set(op.id, op);
    const minMs = spec.minMs ?? 0;
    const work = Promise.all([spec.work ? spec.work() : Promise.resolve(), new Promise((r) => setTimeout(r, minMs))]);
    work.then(
      () => {
        op.workDone = true;
        this.maybeEnd(op.id);
        if (op.status === 'InProgress' && !this.closed) op.timer = setTimeout(() => this.end(op.id), this.timing.settleMs);
      },
      (e: unknown) => {
        op.workDone = true;
        const error = isArmError(e) ? { code: e.code, message: e.message } : { code: 'InternalOperationError', message: (e as Error).message };
        this.end(op.id, error);
      },
    );
    return op;
  }

  /** The headers that hand a client the operation: which of them depends on the verb (see the file's comment). */
  headers(op: AsyncOperation, kinds: { asyncOperation?: boolean; location?: boolean }, apiVersion: string): Record<string, string> {
    const h: Record<string, string> = { 'Retry-After': String(this.timing.retryAfterSeconds) };
    const q = `api-version=${encodeURIComponent(apiVersion)}`;
    if (kinds.asyncOperation) h['Azure-AsyncOperation'] = `${this.base()}${op.scope}/operations/${op.id}?${q}`;
    if (kinds.location) h.Location = `${this.base()}${op.scope}/operationResults/${op.id}?${q}`;
    return h;
  }

  /** GET of an Azure-AsyncOperation URL. */
  pollAsyncOperation(id: string): ArmReply | undefined {
    const op = this.poll(id);
    if (!op) return undefined;
    const body = { id: `${op.scope}/operations/${op.id}`, name: op.id, status: op.status, startTime: op.startTime, ...(op.endTime ? { endTime: op.endTime } : {}), ...(op.error ? { error: op.error } : {}) };
    return { status: 200, body, headers: op.status === 'InProgress' ? { 'Retry-After': String(this.timing.retryAfterSeconds) } : {} };
  }

  /** GET of a Location URL. */
  pollLocation(id: string, apiVersion: string): ArmReply | undefined {
    const op = this.poll(id);
    if (!op) return undefined;
    if (op.status === 'InProgress') return { status: 202, headers: this.headers(op, { location: true }, apiVersion) };
    if (op.status === 'Failed' && op.error) return { status: 400, body: { error: op.error } };
    return { status: 200 };
  }

  close(): void {
    this.closed = true;
    for (const op of this.ops.values()) clearTimeout(op.timer);
  }

  private poll(id: string): AsyncOperation | undefined {
    const op = this.ops.get(id);
    if (!op) return undefined;
    op.polls += 1;
    this.maybeEnd(id);
    return op;
  }

  private maybeEnd(id: string): void {
    const op = this.ops.get(id);
    if (op && op.workDone && op.status === 'InProgress' && op.polls > this.timing.pollsBeforeDone) this.end(id);
  }

  private end(id: string, error?: LroFailure): void {
    const op = this.ops.get(id);
    if (!op || op.status !== 'InProgress') return;
    clearTimeout(op.timer);
    const failure = error ?? op.spec.failure;
    op.endTime = new Date().toISOString();
    if (failure) {
      op.status = 'Failed';
      op.error = failure;
      op.spec.settle({ status: 'Failed', error: failure });
    } else {
      op.status = 'Succeeded';
      op.spec.settle({ status: 'Succeeded' });
    }
  }
}

function isArmError(e: unknown): e is ArmError {
  return typeof e === 'object' && e !== null && 'code' in e && 'status' in e && 'message' in e;
}
