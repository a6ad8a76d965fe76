/**
 * The resources the emulator holds, by resource id, looked up case-insensitively as Resource Manager does (ids keep the
 * case they were created with). A resource is kept in the JSON shape Resource Manager returns, so a GET is the record.
 */
export interface ArmResource {
  id: string;
  name: string;
  type: string;
  location?: string;
  tags?: Record<string, string>;
  sku?: Record<string, unknown>;
  managedBy?: string;
  properties: Record<string, unknown> & { provisioningState?: string };
}

export class Store {
  private readonly byId = new Map<string, ArmResource>();

  get(id: string): ArmResource | undefined {
    return this.byId.get(id.toLowerCase());
  }

  put(r: ArmResource): void {
    this.byId.set(r.id.toLowerCase(), r);
  }

  delete(id: string): void {
    this.byId.delete(id.toLowerCase());
  }

  all(): ArmResource[] {
    return [...this.byId.values()];
  }

  /** Resources whose id starts with `prefix/` (children of a resource, or everything in a resource group). */
  under(prefix: string): ArmResource[] {
    const p = `${prefix.toLowerCase()}/`;
    return this.all().filter((r) => r.id.toLowerCase().startsWith(p));
  }
}

/** The resource-group id a resource id lives in, or undefined for ids outside resource groups. */
export function resourceGroupOf(id: string): string | undefined {
  const m = /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+)/i.exec(id);
  return m?.[1];
}

export function sameId(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}

/** A shallow copy a caller can hand out without the store's record changing under it. */
export function snapshot(r: ArmResource): ArmResource {
  return JSON.parse(JSON.stringify(r)) as ArmResource;
}
