/**
 * What a data source type is to Bakehouse: its config schema (from the plugin's generated spec), the checks its Configure
 * makes, the type of what it outputs (Packer's OutputSpec: an unknown of this type stands in when it is not run), and how
 * it runs. Each type is one folder under core/datasources/, as a plugin is; `registry.ts` lists them.
 */
import type { Check } from '../components/checks';
import type { ComponentSchema } from '../components/schema';
import type { Result } from '../common/result';
import type { ComponentConfig } from '../template/model';
import type { Type } from '../template/values/type';
import type { Value } from '../template/values/value';

/** What one run gives: the output value and anything the user should see (Packer prints these, e.g. a binary response). */
export interface DataSourceOutput {
  value: Value;
  warnings: string[];
}

/**
 * How a type runs. `pure`: from its config alone, inside the loader (null). `io`: it reaches outside (http), so the loader
 * asks its caller to run it and loads again with the answer (core/template/load.ts), with the load's environment (the
 * amazon-* types read AWS_* from it as Packer's SDK does). `unavailable`: Bakehouse cannot run it
 * here; an `error` stops the template as Packer's failed Execute does, a `warning` leaves its output unknown.
 */
export type DataSourceRun =
  | { kind: 'pure'; run: (config: ComponentConfig) => Result<DataSourceOutput, string> }
  | { kind: 'io'; run: (config: ComponentConfig, signal: AbortSignal | undefined, env: Record<string, string | undefined>) => Promise<Result<DataSourceOutput, string>> }
  | { kind: 'unavailable'; severity: 'error' | 'warning'; why: string };

export interface DataSourceType {
  schema: ComponentSchema;
  /** Configure's own rules, in Packer's wording; problems point at the block's header, as Packer's do. */
  checks: Check[];
  output: Type;
  run: DataSourceRun;
}
