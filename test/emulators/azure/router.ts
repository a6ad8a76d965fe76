/**
 * Resource Manager's request handling, once for every resource type: authentication, subscriptions, resource groups,
 * listings, long-running-operation status URLs, and PUT/GET/DELETE/list/actions of the types in kinds (network.ts,
 * compute.ts, galleries.ts). Each request is counted under its operationId and meets the fault switches first.
 */
import type { Env, Kind } from './kinds';
import { tagsOf } from './kinds';
import { platformImageVersion, platformImageVersions } from './platform-images';
import { sameId, type ArmResource } from './store';
import { armError, errorReply, isRecord, type ArmError, type ArmReply, type ArmRequest } from './wire';

// Subscriptions - Get / List, api-version 2022-12-01 as the Azure CLI and core/credentials/probe/azure.ts send it
// (@azure/arm-resources has no subscriptions client): learn.microsoft.com/rest/api/resources/subscriptions/get
/** Resource groups and generic resources, api-version 2025-04-01 as @azure/arm-resources 7.0.0 sends it:
 *  learn.microsoft.com/rest/api/resources/resource-groups, learn.microsoft.com/rest/api/resources/resources/list */
const RESOURCES_API = '2025-04-01';

export interface Router {
  handle(req: ArmRequest, authorization: string | undefined): ArmReply;
}

export function createRouter(env: Env, kinds: Kind[], accepts: (authorization: string | undefined) => boolean, count: (operation: string) => number): Router {
  const byType = new Map(kinds.map((k) => [k.type.toLowerCase(), k]));
  const lower = (s: string | undefined): string => (s ?? '').toLowerCase();

  /** Counts the call and applies a fault switch set for it. */
  const enter = (operation: string): ArmError | undefined => env.faults.onCall(operation, count(operation));

  const handle = (req: ArmRequest): ArmReply | ArmError => {
    const s = req.segments;
    if (lower(s[0]) !== 'subscriptions') return armError(404, 'NotFound', `No route for ${req.method} ${req.path}`);
    if (!req.query.get('api-version')) return armError(400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.');
    if (s.length === 1) {
      const fault = enter('Subscriptions_List');
      return fault ?? { status: 200, body: { value: [subscription(env)] } };
    }
    const sub = s[1];
    if (lower(sub) !== lower(env.subscriptionId)) return armError(404, 'SubscriptionNotFound', `The subscription '${sub}' could not be found.`);
    const rest = s.slice(2);
    const key = rest.map((x, i) => (i % 2 === 0 ? lower(x) : '*')).join('/');
    if (rest.length === 0) return enter('Subscriptions_Get') ?? { status: 200, body: subscription(env) };
    // Location URL of a resource-group delete: GET /subscriptions/{sub}/operationresults/{id}.
    if (key === 'operationresults/*') return enter('OperationResults_Get') ?? env.ops.pollLocation(rest[1], req.query.get('api-version') ?? RESOURCES_API) ?? notFoundOperation(rest[1]);
    if (key === 'resources') return enter('Resources_List') ?? listReply(env.store.all().filter((r) => !isGroup(r) && !isChild(r)), req);
    if (key === 'resourcegroups') return enter('ResourceGroups_List') ?? listReply(env.store.all().filter(isGroup), req);
    if (lower(rest[0]) === 'providers') return providerScope(req, rest.slice(1));
    if (lower(rest[0]) !== 'resourcegroups') return armError(404, 'NotFound', `No route for ${req.method} ${req.path}`);
    const rg = rest[1];
    const groupId = `/subscriptions/${sub}/resourceGroups/${rg}`;
    if (rest.length === 2) return resourceGroup(req, groupId, rg);
    const group = env.store.get(groupId);
    if (key === 'resourcegroups/*/resources') {
      return enter('Resources_ListByResourceGroup') ?? (group ? listReply(env.store.under(groupId).filter((r) => !isChild(r)), req) : groupNotFound(rg));
    }
    if (lower(rest[2]) !== 'providers' || rest.length < 5) return armError(404, 'NotFound', `No route for ${req.method} ${req.path}`);
    return resource(req, group, groupId, rg, rest.slice(3));
  };

  /** GET /subscriptions/{sub}/providers/…: operation status URLs and the platform image catalog. */
  const providerScope = (req: ArmRequest, p: string[]): ArmReply | ArmError => {
    const key = p.map((x, i) => (i % 2 === 1 ? lower(x) : '*')).join('/');
    const api = req.query.get('api-version') ?? '';
    // {ns}/locations/{loc}/operations/{id} (Azure-AsyncOperation) and …/operationResults/{id} (Location).
    if (key === '*/locations/*/operations/*') return enter('AsyncOperation_Get') ?? env.ops.pollAsyncOperation(p[4]) ?? notFoundOperation(p[4]);
    if (key === '*/locations/*/operationresults/*') return enter('OperationResults_Get') ?? env.ops.pollLocation(p[4], api) ?? notFoundOperation(p[4]);
    // Virtual Machine Images - List / Get, api-version 2026-03-01 as @azure/arm-compute 24.1.0 sends it:
    // learn.microsoft.com/rest/api/compute/virtual-machine-images/list, …/virtual-machine-images/get
    if (lower(p[0]) === 'microsoft.compute' && lower(p[6]) === 'vmimage' && key === '*/locations/*/publishers/*/artifacttypes/*/offers/*/skus/*/versions') {
      return enter('VirtualMachineImages_List') ?? platformImageVersions(env, p[2], p[4], p[8], p[10], req.query);
    }
    if (lower(p[0]) === 'microsoft.compute' && lower(p[6]) === 'vmimage' && key === '*/locations/*/publishers/*/artifacttypes/*/offers/*/skus/*/versions/*') {
      return enter('VirtualMachineImages_Get') ?? platformImageVersion(env, p[2], p[4], p[8], p[10], p[12]);
    }
    return armError(404, 'NotFound', `No route for ${req.method} ${req.path}`);
  };

  /** Resource Groups - CreateOrUpdate / Get / CheckExistence / Update / Delete, api-version 2025-04-01:
   *  learn.microsoft.com/rest/api/resources/resource-groups/create-or-update (and …/get, …/check-existence, …/delete). */
  const resourceGroup = (req: ArmRequest, groupId: string, name: string): ArmReply | ArmError => {
    const existing = env.store.get(groupId);
    switch (req.method) {
      case 'HEAD':
        return enter('ResourceGroups_CheckExistence') ?? { status: existing ? 204 : 404 };
      case 'GET':
        return enter('ResourceGroups_Get') ?? (existing ? { status: 200, body: existing } : groupNotFound(name));
      case 'PUT': {
        const fault = enter('ResourceGroups_CreateOrUpdate');
        if (fault) return fault;
        if (!/^[-\w._()]{1,90}$/.test(name) || name.endsWith('.')) return armError(400, 'InvalidResourceGroup', `The provided resource group name '${name}' has these invalid characters: ... The name can be a maximum of 90 characters and may contain alphanumerics, underscores, parentheses, hyphens and periods, and may not end in a period.`);
        const body = isRecord(req.body) ? req.body : {};
        const location = typeof body.location === 'string' ? body.location : undefined;
        if (!location) return armError(400, 'LocationRequired', 'The location property is required for this definition.');
        if (existing?.properties.provisioningState === 'Deleting') return armError(409, 'ResourceGroupBeingDeleted', `The resource group '${name}' is in deprovisioning state and cannot perform this operation.`);
        if (existing && lower(existing.location) !== lower(location)) return armError(409, 'InvalidResourceGroupLocation', `Invalid resource group location '${location}'. The Resource group already exists in location '${existing.location ?? ''}'.`);
        const tags = tagsOf(body);
        const group: ArmResource = { id: existing?.id ?? groupId, name: existing?.name ?? name, type: 'Microsoft.Resources/resourceGroups', location, ...(tags ? { tags } : {}), properties: { provisioningState: 'Succeeded' } };
        env.store.put(group);
        return { status: existing ? 200 : 201, body: group };
      }
      case 'PATCH': {
        const fault = enter('ResourceGroups_Update');
        if (fault) return fault;
        if (!existing) return groupNotFound(name);
        const tags = isRecord(req.body) ? tagsOf(req.body) : undefined;
        if (tags) existing.tags = tags;
        return { status: 200, body: existing };
      }
      case 'DELETE': {
        const fault = enter('ResourceGroups_Delete');
        if (fault) return fault;
        if (!existing) return groupNotFound(name);
        if (existing.properties.provisioningState !== 'Deleting') {
          existing.properties.provisioningState = 'Deleting';
          // Deleting a group deletes what is in it, machines first so their containers stop before the group is gone.
          const inside = env.store.under(existing.id).filter((r) => !isChild(r));
          const op = env.ops.start({
            operation: 'ResourceGroups_Delete',
            scope: `/subscriptions/${env.subscriptionId}`,
            failure: env.faults.takeLroFailure('ResourceGroups_Delete'),
            minMs: env.faults.deleteDelayMs,
            work: async () => {
              for (const r of inside.sort((a, b) => deleteOrder(a) - deleteOrder(b))) await byType.get(lower(r.type))?.deleteWork?.(env, r);
            },
            settle: (outcome) => {
              if (outcome.status === 'Failed') {
                existing.properties.provisioningState = 'Succeeded';
                return;
              }
              for (const r of env.store.under(existing.id)) {
                env.store.delete(r.id);
                byType.get(lower(r.type))?.deleted?.(env, r);
              }
              env.store.delete(existing.id);
            },
          });
          return { status: 202, headers: env.ops.headers(op, { location: true }, req.query.get('api-version') ?? RESOURCES_API) };
        }
        return { status: 202 };
      }
      default:
        return armError(405, 'MethodNotAllowed', `The requested resource does not support http method '${req.method}'.`);
    }
  };

  /** A typed resource under /subscriptions/{sub}/resourceGroups/{rg}/providers/{ns}/{type}/{name}[/{type}/{name}…][/{action}]. */
  const resource = (req: ArmRequest, group: ArmResource | undefined, groupId: string, rg: string, p: string[]): ArmReply | ArmError => {
    const [ns, ...tail] = p;
    const types: string[] = [];
    const names: string[] = [];
    for (let i = 0; i < tail.length; i += 2) {
      types.push(tail[i]);
      if (i + 1 < tail.length) names.push(tail[i + 1]);
    }
    // An odd segment at the end is an action (deallocate, instanceView) when the type has one; else a listing.
    let action: string | undefined;
    let kindKey = `${ns}/${types.join('/')}`;
    let kind = byType.get(lower(kindKey));
    if (!kind && types.length > 1 && types.length > names.length) {
      action = types.pop();
      kindKey = `${ns}/${types.join('/')}`;
      kind = byType.get(lower(kindKey));
    }
    if (!kind) return armError(400, 'InvalidResourceType', `The resource type '${types.join('/')}' could not be found in the namespace '${ns}' for api version '${req.query.get('api-version') ?? ''}'.`);
    const api = req.query.get('api-version') ?? '';
    if (!action && types.length > names.length) {
      // List: GET …/{type} (within a parent for child types).
      const fault = enter(`${kind.operations}_List`);
      if (fault) return fault;
      if (!group) return groupNotFound(rg);
      const parentPrefix = `${groupId}/providers/${ns}/${tail.slice(0, -1).join('/')}`.replace(/\/$/, '');
      return { status: 200, body: { value: env.store.under(parentPrefix).filter((r) => lower(r.type) === lower(kind.type) && r.id.slice(parentPrefix.length + 1).split('/').length === 2).map((r) => kind.view?.(env, r, req) ?? r) } };
    }
    const id = `${groupId}/providers/${ns}/${tail.slice(0, names.length * 2).join('/')}`;
    const name = names[names.length - 1];
    const existing = env.store.get(id);
    const shortType = `${ns}/${types.join('/')}`;
    const notFound = (): ArmError => armError(404, 'ResourceNotFound', `The Resource '${shortType}/${names.join('/')}' under resource group '${rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);
    if (action) {
      const a = Object.entries(kind.actions ?? {}).find(([n, x]) => lower(n) === lower(action) && x.method === req.method)?.[1];
      if (!a) return armError(404, 'NotFound', `No route for ${req.method} ${req.path}`);
      const fault = enter(a.operation);
      if (fault) return fault;
      if (!group) return groupNotFound(rg);
      if (!existing) return notFound();
      return a.run(env, existing, req);
    }
    switch (req.method) {
      case 'GET': {
        const fault = enter(`${kind.operations}_Get`);
        if (fault) return fault;
        if (!group) return groupNotFound(rg);
        return existing ? { status: 200, body: kind.view?.(env, existing, req) ?? existing } : notFound();
      }
      case 'PUT': {
        const operation = `${kind.operations}_CreateOrUpdate`;
        const fault = enter(operation);
        if (fault) return fault;
        if (!group) return groupNotFound(rg);
        if (group.properties.provisioningState === 'Deleting') return armError(409, 'ResourceGroupBeingDeleted', `The resource group '${rg}' is in deprovisioning state and cannot perform this operation.`);
        if (names.length > 1) {
          const parentId = id.split('/').slice(0, -2).join('/');
          if (!env.store.get(parentId)) return armError(404, 'ParentResourceNotFound', `Can not perform requested operation on nested resource. Parent resource '${names.slice(0, -1).join('/')}' not found.`);
        }
        if (!isRecord(req.body)) return armError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized.');
        if (existing?.properties.provisioningState === 'Deleting') return armError(409, 'Conflict', `The resource '${name}' is being deleted.`);
        const out = kind.put(env, { id: existing?.id ?? id, name: existing?.name ?? name, subscriptionId: env.subscriptionId, resourceGroup: rg, resourceGroupLocation: group.location ?? '', body: req.body, existing });
        if ('code' in out) return out;
        const r = out.resource;
        if (!kind.longRunningPut) {
          r.properties.provisioningState = 'Succeeded';
          env.store.put(r);
          out.settled?.('Succeeded');
          return { status: existing ? 200 : 201, body: r };
        }
        r.properties.provisioningState = existing ? 'Updating' : 'Creating';
        env.store.put(r);
        const op = env.ops.start({
          operation,
          scope: `/subscriptions/${env.subscriptionId}/providers/${ns}/locations/${r.location ?? group.location ?? 'westus'}`,
          failure: env.faults.takeLroFailure(operation),
          ...(out.work ? { work: out.work } : {}),
          settle: (outcome) => {
            const now = env.store.get(r.id);
            if (!now) return;
            now.properties.provisioningState = outcome.status;
            out.settled?.(outcome.status);
          },
        });
        return { status: existing ? 200 : 201, body: r, headers: env.ops.headers(op, { asyncOperation: true }, api) };
      }
      case 'PATCH': {
        // Update, as each type documents it (e.g. learn.microsoft.com/rest/api/compute/images/update, api-version
        // 2026-03-01): here only tags change, answered at once with the resource (200), which the SDK's poller takes as done.
        const fault = enter(`${kind.operations}_Update`);
        if (fault) return fault;
        if (!group) return groupNotFound(rg);
        if (!existing) return notFound();
        const tags = isRecord(req.body) ? tagsOf(req.body) : undefined;
        if (tags) existing.tags = tags;
        return { status: 200, body: kind.view?.(env, existing, req) ?? existing };
      }
      case 'DELETE': {
        const operation = `${kind.operations}_Delete`;
        const fault = enter(operation);
        if (fault) return fault;
        if (!group) return groupNotFound(rg);
        // Deleting what is not there succeeds at once: 204 No Content.
        if (!existing) return { status: 204 };
        const refused = kind.refuseDelete?.(env, existing);
        if (refused) return refused;
        const before = existing.properties.provisioningState;
        existing.properties.provisioningState = 'Deleting';
        const op = env.ops.start({
          operation,
          scope: `/subscriptions/${env.subscriptionId}/providers/${ns}/locations/${existing.location ?? group.location ?? 'westus'}`,
          failure: env.faults.takeLroFailure(operation),
          minMs: env.faults.deleteDelayMs,
          work: async () => {
            for (const child of env.store.under(existing.id)) await byType.get(lower(child.type))?.deleteWork?.(env, child);
            await kind.deleteWork?.(env, existing);
          },
          settle: (outcome) => {
            if (outcome.status === 'Failed') {
              existing.properties.provisioningState = before ?? 'Succeeded';
              return;
            }
            for (const child of env.store.under(existing.id)) env.store.delete(child.id);
            env.store.delete(existing.id);
            kind.deleted?.(env, existing);
          },
        });
        return { status: 202, headers: env.ops.headers(op, { location: true, asyncOperation: true }, api) };
      }
      default:
        return armError(405, 'MethodNotAllowed', `The requested resource does not support http method '${req.method}'.`);
    }
  };

  return {
    handle(req, authorization) {
      if (!accepts(authorization)) {
        count('Unauthenticated');
        return errorReply(armError(401, authorization ? 'InvalidAuthenticationToken' : 'AuthenticationFailed', authorization ? 'The access token is invalid.' : "Authentication failed. The 'Authorization' header is missing."));
      }
      const out = handle(req);
      return 'code' in out ? errorReply(out) : out;
    },
  };
}

function subscription(env: Env): Record<string, unknown> {
  return {
    id: `/subscriptions/${env.subscriptionId}`,
    authorizationSource: 'RoleBased',
    managedByTenants: [],
    subscriptionId: env.subscriptionId,
    displayName: 'Bakehouse Azure emulator',
    state: 'Enabled',
    subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'PayAsYouGo_2014-09-01', spendingLimit: 'Off' },
  };
}

function groupNotFound(name: string): ArmError {
  return armError(404, 'ResourceGroupNotFound', `Resource group '${name}' could not be found.`);
}

function notFoundOperation(id: string): ArmError {
  return armError(404, 'NotFound', `The operation '${id}' was not found.`);
}

function isGroup(r: ArmResource): boolean {
  return r.type === 'Microsoft.Resources/resourceGroups';
}

/** Child resources (subnets, gallery image versions) are listed with their parents, not on their own. */
function isChild(r: ArmResource): boolean {
  return r.type.split('/').length > 2;
}

/** Machines go first when a group is deleted, then what they use. */
function deleteOrder(r: ArmResource): number {
  const order = ['Microsoft.Compute/virtualMachines', 'Microsoft.Network/networkInterfaces'];
  const i = order.findIndex((t) => sameId(t, r.type));
  return i === -1 ? order.length : i;
}

/**
 * Resources - List and Resource Groups - List with `$filter` as Azure takes it for sweeps: `tagName eq 'k'`,
 * `tagName eq 'k' and tagValue eq 'v'`, `resourceType eq 'Microsoft.Compute/virtualMachines'`
 * (learn.microsoft.com/rest/api/resources/resources/list#uri-parameters).
 */
function listReply(items: ArmResource[], req: ArmRequest): ArmReply | ArmError {
  const filter = req.query.get('$filter');
  let out = items;
  if (filter) {
    const tagName = /tagName eq '([^']*)'/i.exec(filter)?.[1];
    const tagValue = /tagValue eq '([^']*)'/i.exec(filter)?.[1];
    const type = /resourceType eq '([^']*)'/i.exec(filter)?.[1];
    if (tagName === undefined && type === undefined) return armError(400, 'InvalidFilterInQueryString', `Invalid $filter '${filter}' specified in the query string.`);
    out = out.filter((r) => {
      if (type !== undefined && !sameId(r.type, type)) return false;
      if (tagName === undefined) return true;
      const key = Object.keys(r.tags ?? {}).find((k) => sameId(k, tagName));
      return key !== undefined && (tagValue === undefined || r.tags?.[key] === tagValue);
    });
  }
  return { status: 200, body: { value: out.map((r) => ({ id: r.id, name: r.name, type: r.type, location: r.location, ...(r.tags ? { tags: r.tags } : {}), ...(r.managedBy ? { managedBy: r.managedBy } : {}), ...(isGroup(r) ? { properties: r.properties } : {}) })) } };
}
