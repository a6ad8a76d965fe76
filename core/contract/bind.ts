/**
 * The host half of the contract's one bind/proxy pair (as VS Code's `ProxyChannel.fromService`): binds an implementation
 * of `ContractApi` to the declared methods, so that every transport calls it by wire name through one door. Each input is
 * checked against its schema (`inputs.ts`) here, once, for every transport, and an exception becomes a failed Result:
 * exceptions do not survive IPC. The client half is `toService` in `channel.ts`.
 */
import type { z } from 'zod';
import { toService } from './channel';
import { inputs } from './inputs';
import { isMethodName, type ContractApi, type MethodName } from './methods';
import { failure, type Result } from './result';

export interface BoundService {
  /** Calls a method by its wire name (`templates.open`) with unchecked input; unknown names fail as results too. */
  call(method: string, input: unknown): Promise<Result<unknown>>;
  /** The same calls, typed: the in-process channel (tests, the host's own callers). */
  api: ContractApi;
}

type Handler = (input: never) => Promise<Result<unknown>>;

export function fromService(service: ContractApi): BoundService {
  // Both tables seen by wire name; each is the declared contract, so every declared name is in both.
  const schemas: Readonly<Record<string, Readonly<Record<string, z.ZodType>>>> = inputs;
  const handlers: Readonly<Record<string, Readonly<Record<string, Handler>>>> = service;

  const call = async (name: string, input: unknown): Promise<Result<unknown>> => {
    if (!isMethodName(name)) return failure('not-found', `Unknown method "${name}".`);
    const [s, m] = name.split('.');
    const parsed = schemas[s][m].safeParse(input ?? {});
    if (!parsed.success) return invalid(name, parsed.error.issues[0]);
    try {
      // The one cast of this half: the schema of this very method has just checked the input, so it is that method's input.
      return await handlers[s][m](parsed.data as never);
    } catch (e) {
      return failure('internal', `${name} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  return { call, api: toService((method: MethodName, input) => call(method, input)) };
}

function invalid(name: string, issue: z.ZodError['issues'][number] | undefined): Result<never> {
  const field = issue?.path.map(String).join('.') ?? '';
  return failure('invalid-input', `${name}: ${field ? `${field}: ` : ''}${issue?.message ?? 'invalid input'}`, field || undefined);
}
