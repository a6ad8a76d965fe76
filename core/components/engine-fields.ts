/**
 * Settings every provisioner and post-processor block may carry. The template decoder handles them (not the components),
 * so they are listed here only for editor completion and hover.
 */
import { field, numberField, stringField, stringListField, boolField, durationField } from './fields';
import type { FieldSpec } from './schema';

const ONLY = stringListField('only', 'Run only for these builds (source names such as "docker.ubuntu").');
const EXCEPT = stringListField('except', 'Skip these builds (source names such as "docker.ubuntu").');
const NAME = stringField('name', 'A name for this step, shown in logs and used by -only/-except.');

export const COMMON_PROVISIONER_FIELDS: FieldSpec[] = [
  ONLY,
  EXCEPT,
  NAME,
  field('override', { map: 'any' }, 'Per-build settings that replace this provisioner\'s, keyed by source name.'),
  durationField('pause_before', 'Wait this long before running the provisioner.'),
  numberField('max_retries', 'Retry the provisioner this many times if it fails.', { default: 0 }),
  durationField('timeout', 'Fail the provisioner if it runs longer than this.'),
  // Bakehouse only: Packer 1.14 refuses the field ("Unsupported argument"), see docs/decisions.md.
  boolField('cache', 'Bakehouse only (Packer refuses it): false never serves this step, or any after it, from the build cache.', { default: true }),
];

export const COMMON_POST_PROCESSOR_FIELDS: FieldSpec[] = [
  ONLY,
  EXCEPT,
  NAME,
  boolField('keep_input_artifact', 'Keep the artifact this post-processor received instead of deleting it.'),
];
