/**
 * Compute Engine's Operation resources (cloud.google.com/compute/docs/reference/rest/v1/zoneOperations and
 * globalOperations): every mutating call answers an Operation at once, PENDING, which turns RUNNING and then DONE when
 * its work ends — with `error.errors[]` (and httpErrorStatusCode) when the work failed. `get` answers the operation as
 * it is; `wait` (…/operations/NAME/wait) answers when it is DONE or when the wait deadline passes, whichever comes
 * first, so a client calls it again until DONE, as the reference says ("the request may return before the deadline").
 */
import { randomBytes } from 'node:crypto';

export interface Operation {
  kind: 'compute#operation';
  id: string;
  name: string;
  operationType: string;
  targetLink: string;
  targetId: string;
  status: 'PENDING' | 'RUNNING' | 'DONE';
  progress: number;
  insertTime: string;
  startTime?: string;
  endTime?: string;
  selfLink: string;
  zone?: string;
  user: string;
  error?: { errors: { code: string; message: string }[] };
  httpErrorStatusCode?: number;
  httpErrorMessage?: string;
}

export class Operations {
  private readonly ops = new Map<string, { op: Operation; done: Promise<void> }>();

  constructor(private readonly waitMs: number) {}

  /** Starts `work` as an operation in `scope` (`projects/p/zones/z` or `projects/p/global`); `work` may throw to fail it. */
  start(base: string, scope: string, operationType: string, targetLink: string, user: string, work: () => Promise<void>, failure?: { code: string; message: string }): Operation {
    const name = `operation-${Date.now()}-${randomBytes(6).toString('hex')}`;
    const op: Operation = {
      kind: 'compute#operation',
      id: String(BigInt(`0x${randomBytes(7).toString('hex')}`)),
      name,
      operationType,
      targetLink,
      targetId: String(BigInt(`0x${randomBytes(7).toString('hex')}`)),
      status: 'PENDING',
      progress: 0,
      insertTime: new Date().toISOString(),
      selfLink: `${base}/compute/v1/${scope}/operations/${name}`,
      ...(scope.includes('/zones/') ? { zone: `${base}/compute/v1/${scope}` } : {}),
      user,
    };
    const done = (async () => {
      await new Promise((r) => setImmediate(r));
      op.status = 'RUNNING';
      op.startTime = new Date().toISOString();
      try {
        await work();
        if (failure) throw Object.assign(new Error(failure.message), { code: failure.code });
      } catch (e) {
        const error = e as Error & { code?: string; status?: number };
        op.error = { errors: [{ code: error.code ?? 'INTERNAL_ERROR', message: error.message }] };
        op.httpErrorStatusCode = error.status ?? 400;
        op.httpErrorMessage = error.status === 404 ? 'NOT FOUND' : 'BAD REQUEST';
      }
      op.status = 'DONE';
      op.progress = 100;
      op.endTime = new Date().toISOString();
    })();
    this.ops.set(`${scope}/${name}`, { op, done });
    return { ...op };
  }

  get(scope: string, name: string): Operation | undefined {
    const o = this.ops.get(`${scope}/${name}`);
    return o ? { ...o.op } : undefined;
  }

  async wait(scope: string, name: string): Promise<Operation | undefined> {
    const o = this.ops.get(`${scope}/${name}`);
    if (!o) return undefined;
    await Promise.race([o.done, new Promise((r) => setTimeout(r, this.waitMs))]);
    return { ...o.op };
  }

  /** Every operation's work finished (close waits for them, so no container comes up after it). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.ops.values()].map((o) => o.done));
  }
}
