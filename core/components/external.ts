/**
 * Component types Bakehouse does not build but the user's Packer does (core/packer-bridge): the CLI and the app install
 * a lookup at start-up, so a template using one validates with a warning and its builds run through Packer. Without a
 * lookup (tests of the language, `fmt`) an unknown type is simply unknown, as in Packer without the plugin.
 */
import type { Result } from '../common/result';
import type { ComponentKind } from './schema';

export interface ExternalComponentInfo {
  /** The Packer that runs it, as "Packer 1.14.3 (/usr/bin/packer)". */
  runner: string;
  /** The plugin that provides it, as "github.com/hashicorp/goss v3.2.0"; absent for Packer's own components. */
  plugin?: string;
}

/** `err` says why the type is not available (no Packer, Packer too old, plugin not installed). */
export type ExternalLookup = (kind: ComponentKind, type: string) => Result<ExternalComponentInfo>;

let lookup: ExternalLookup | undefined;

export function useExternalComponents(l: ExternalLookup | undefined): void {
  lookup = l;
}

export function externalComponent(kind: ComponentKind, type: string): Result<ExternalComponentInfo> | undefined {
  return lookup?.(kind, type);
}
