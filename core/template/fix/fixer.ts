import type { Result } from '../../common/result';
import type { FixObject } from './value';

/** One of Packer's fixers: it rewrites options an older Packer accepted into what today's Packer reads. */
export interface Fixer {
  /** Packer's name for it, as `packer fix -h` lists it. */
  name: string;
  /** What it changes, in a line. */
  description: string;
  /** Edits the template in place; an error stops `fix` as it stops Packer's. */
  fix(template: FixObject): Result<void, string>;
}
