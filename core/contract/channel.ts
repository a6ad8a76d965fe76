/**
 * The client half of the contract's one bind/proxy pair (as VS Code's `ProxyChannel.toService`): a typed `ContractApi`
 * over any channel that carries a call by its wire name. Electron IPC (preload), the WebSocket of `bakehouse serve`
 * (renderer) and the host itself (in process, for tests) are such channels. The host half is `fromService` in `bind.ts`.
 * Loads no zod: the preload and the renderer use this.
 */
import { METHOD_NAMES, type ContractApi, type MethodName } from './methods';

/**
 * One call over a transport. The host answers it with that method's Result (or a failed one); a transport passes the
 * answer on as it came (IPC and JSON know nothing of types), and `toService` gives it the method's type.
 */
export type Channel = (method: MethodName, input: unknown) => Promise<unknown>;

/** The untyped shape a ContractApi has at run time: services of functions from input to answer. */
type ServiceTable = Record<string, Record<string, (input: unknown) => Promise<unknown>>>;

export function toService(channel: Channel): ContractApi {
  const table: ServiceTable = {};
  for (const name of METHOD_NAMES) {
    const [service, method] = name.split('.');
    (table[service] ??= {})[method] = (input) => channel(name, input);
  }
  // The one cast of this half: the table holds, under each declared service and method, a function that calls exactly
  // that method, and the host answers each method with that method's Result; a table built in a loop cannot say so per key.
  return table as unknown as ContractApi;
}
