import { err, ok, type Result } from '../../../common/result';
import { fixEachPostProcessor } from '../decode';
import type { Fixer } from '../fixer';
import type { FixValue } from '../value';

/** The tags a "tag" or "tags" value names: a list, or a comma-separated string. */
function tagsIn(v: FixValue | undefined, key: string): Result<string[], string> {
  if (typeof v === 'string') return ok(v.split(',').map((t) => t.trim()));
  if (!Array.isArray(v)) return ok([]);
  // Packer 1.14 crashes on a list item that is not a string; say which.
  const bad = v.find((t) => typeof t !== 'string');
  if (bad !== undefined) return err(`docker-tag post-processor: every item of "${key}" must be a string, not ${JSON.stringify(bad)}`);
  return ok(v as string[]);
}

export const dockerTagTags: Fixer = {
  name: 'docker-tag-tags',
  description: 'Merges "tag" of the "docker-tag" post-processor into the list "tags", without duplicates',
  fix: (template) =>
    fixEachPostProcessor(template, (pp) => {
      if (pp.get('type') !== 'docker-tag') return;
      const tag = tagsIn(pp.get('tag'), 'tag');
      if (!tag.ok) return tag;
      const tags = tagsIn(pp.get('tags'), 'tags');
      if (!tags.ok) return tags;
      pp.delete('tag');
      // Always written, so a docker-tag with neither gets "tags": [].
      pp.set('tags', [...new Set([...tag.value, ...tags.value])]);
    }),
};
