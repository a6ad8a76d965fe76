/**
 * One declaration per component type: validation, editor completion and hover, and the GUI's forms all read it.
 * Field names are Packer's.
 */
import type { Plain } from '../template/values/value';

export type FieldType =
  | 'string'
  | 'number'
  | 'bool'
  /** A Go duration string such as "5m" or "1h30m". */
  | 'duration'
  | 'any'
  | { list: FieldType }
  | { map: FieldType }
  /** An object-typed attribute with known keys. */
  | { object: FieldSpec[] };

export interface FieldSpec {
  name: string;
  type: FieldType;
  /** One line, shown in completion and hover. */
  description: string;
  required?: boolean;
  default?: Plain;
  /** The value is a secret: never shown or logged. */
  sensitive?: boolean;
  /** Allowed values for a string field. */
  enum?: string[];
  /** Set when the field is a nested block (`name { … }`) rather than an attribute. */
  block?: { fields: FieldSpec[]; repeated: boolean };
  /** Why the field is deprecated and what to use instead. */
  deprecated?: string;
  /** The plugin accepts the field but Bakehouse does not act on it yet: validation warns when it is set. */
  notImplemented?: true;
  /** Accepted, but left out of the plugin's docs (internal or deprecated): never offered by completion or the form. */
  undocumented?: true;
  /** Only a legacy JSON template may set it (the plugin's HCL2 spec skips it, e.g. chef-solo's `json` map). */
  legacyJsonOnly?: true;
  /** What a legacy JSON template may give when it is wider than `type` (the plugin's Go field is an interface{}). */
  legacyJsonType?: FieldType;
}

export type ComponentKind = 'builder' | 'provisioner' | 'post-processor' | 'data';

export interface ComponentSchema {
  kind: ComponentKind;
  type: string;
  description: string;
  fields: FieldSpec[];
  /** Each group: exactly one of these fields must be set (docker: commit / discard / export_path). */
  exactlyOneOf?: string[][];
  /** Each group: at most one may be set. */
  conflicts?: string[][];
  /** Each group: at least one must be set. */
  atLeastOneOf?: string[][];
  /** Bakehouse's own component with no Packer equivalent (`upload`): no plugin spec declares it, and its schema is served as written. */
  bakehouseOnly?: true;
  /** Bakehouse checks its settings but has no runner yet: builds using it run through the user's Packer (core/packer-bridge). */
  runsThroughPacker?: true;
  /** Packer's own wording for the rules above, where it has one; otherwise the validator words them itself. */
  messages?: RuleMessages;
}

/** Error texts for a schema's rules, so diagnostics read as Packer's do. */
export interface RuleMessages {
  /** By field name: the error when that required field is missing. */
  required?: Record<string, string>;
  /** By index into `exactlyOneOf`: the error when none is set, and when more than one is. */
  exactlyOneOf?: Array<{ none?: string; many?: string }>;
  /** By index into `conflicts`. */
  conflicts?: string[];
  /** By index into `atLeastOneOf`. */
  atLeastOneOf?: string[];
  /** By field name: the error when the field's value is not one of its `enum`; `%q` stands for the value quoted, `%s` for it as is. */
  enum?: Record<string, string>;
}
