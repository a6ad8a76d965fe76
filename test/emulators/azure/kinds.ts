/**
 * What a resource type contributes to the emulator: how a PUT body becomes the stored resource (with Azure's
 * validation), what must happen before its creation or deletion counts as done, which deletes Azure refuses, and its
 * actions (POST …/deallocate, GET …/instanceView). The generic PUT/GET/DELETE/list handling, long-running operations and
 * fault switches live in router.ts, once for every type.
 */
import type { Faults } from './faults';
import type { Machines } from './machines';
import type { Operations } from './operations';
import type { ArmResource, Store } from './store';
import type { ArmError, ArmReply, ArmRequest } from './wire';

export interface Env {
  store: Store;
  ops: Operations;
  faults: Faults;
  machines: Machines;
  subscriptionId: string;
  armUrl(): string;
}

export interface PutInput {
  id: string;
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  /** The resource group's location, Azure's default for a child resource without one. */
  resourceGroupLocation: string;
  body: Record<string, unknown>;
  existing?: ArmResource;
}

export interface PutOutcome {
  resource: ArmResource;
  /** What must finish before the creation succeeds (e.g. the VM's machine is up). */
  work?: () => Promise<void>;
  /** Runs when the operation ends, after provisioningState is set. */
  settled?: (status: 'Succeeded' | 'Failed') => void;
}

export interface Action {
  method: 'GET' | 'POST';
  /** operationId in azure-rest-api-specs, e.g. VirtualMachines_Deallocate. */
  operation: string;
  run(env: Env, resource: ArmResource, req: ArmRequest): ArmReply | ArmError;
}

export interface Kind {
  /** Full type, e.g. Microsoft.Network/virtualNetworks/subnets. */
  type: string;
  /** operationId prefix in azure-rest-api-specs, e.g. Subnets (Subnets_CreateOrUpdate, Subnets_Get, …). */
  operations: string;
  /** Whether a PUT is a long-running operation (201 + Azure-AsyncOperation) or answers at once. */
  longRunningPut: boolean;
  put(env: Env, input: PutInput): PutOutcome | ArmError;
  /** The reason Azure refuses to delete it now (in use by another resource), if any. */
  refuseDelete?(env: Env, resource: ArmResource): ArmError | undefined;
  /** What must finish before the deletion succeeds. */
  deleteWork?(env: Env, resource: ArmResource): Promise<void>;
  /** Runs once the resource is gone (references held by others are updated). */
  deleted?(env: Env, resource: ArmResource): void;
  /** The GET answer when it differs from the stored record (e.g. $expand=instanceView). */
  view?(env: Env, resource: ArmResource, req: ArmRequest): ArmResource;
  actions?: Record<string, Action>;
}

/** Tags as Azure keeps them: string values only. */
export function tagsOf(body: Record<string, unknown>): Record<string, string> | undefined {
  const t = body.tags;
  if (typeof t !== 'object' || t === null) return undefined;
  return Object.fromEntries(Object.entries(t as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
}
