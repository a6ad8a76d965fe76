/**
 * The shape of the schema data generated from each Packer plugin's `*.hcl2spec.go` (scripts/generate-schemas.ts).
 * Plain data with no descriptions: the specs carry names and cty types only. Nothing in the CLI imports these files yet;
 * the switch from the hand-written schemas to them is the next step (docs/schema-differences.md lists what differs).
 */
import type { ComponentKind, FieldType } from '../schema';

export interface GeneratedField {
  name: string;
  /** The attribute's cty type in our terms; `any` for a block, as in the hand-written schemas (its fields are under `block`). */
  type: FieldType;
  /** Only when the spec says so: Packer's generated specs mark almost nothing required (Prepare checks it). */
  required?: true;
  /** The plugin's docs call it required (its `required:"true"` tag). Prepare decides: amazon's `access_key` is marked, yet credentials may come from the environment. */
  requiredInDocs?: true;
  /** Left out of the plugin's docs (`undocumented:"true"`): accepted, but internal or deprecated. */
  undocumented?: true;
  /** A nested block (`name { … }`), repeated for `hcldec.BlockListSpec`. */
  block?: { repeated: boolean; fields: readonly GeneratedField[] };
}

export interface GeneratedComponent {
  kind: ComponentKind;
  /** Packer's type name as a template writes it (`amazon-ebs`, `docker-push`, `shell`). */
  type: string;
  /** The Go package and flat struct the fields come from, for tracing a field back to the plugin's source. */
  source: string;
  fields: readonly GeneratedField[];
}

export interface GeneratedPlugin {
  name: string;
  module: string;
  version: string;
  components: readonly GeneratedComponent[];
}
