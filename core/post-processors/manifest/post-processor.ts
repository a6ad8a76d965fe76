/**
 * manifest: appends a record of each build's artifact to a JSON file (Packer's packer-manifest.json), so later
 * tooling knows what was built, when, and in which run. -force starts the file afresh.
 */
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { err, ok } from '../../common/result';
import { ConfigFields } from '../../engine/config-fields';
import type { PostProcessorPlugin } from '../../engine/plugin';
import type { Plain } from '../../template/values/value';
import { withFileLock } from './lock';

export interface ManifestBuild {
  name: string;
  builder_type: string;
  build_time: number;
  files: Array<{ name: string; size: number }> | null;
  artifact_id: string;
  packer_run_uuid: string;
  custom_data: Record<string, Plain> | null;
}

export interface ManifestFile {
  builds: ManifestBuild[];
  last_run_uuid: string;
}

export const manifestPostProcessor: PostProcessorPlugin = {
  type: 'manifest',
  prepare(config, build) {
    const f = new ConfigFields(config, 'manifest');
    const output = f.string('output', 'packer-manifest.json') || 'packer-manifest.json';
    const stripPath = f.bool('strip_path');
    const custom = f.object('custom_data');
    // custom_data is a Go map: encoding/json writes its keys sorted.
    const customData = custom ? Object.fromEntries(Object.entries(custom).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : null;
    if (f.errors.length > 0) return err(f.errors);
    // Packer removes an old manifest under -force when it configures the post-processor, before any build runs.
    const outputPath = resolve(build.cwd, output);
    if (build.force) rmSync(outputPath, { force: true });
    return {
      ok: true,
      value: {
        async postProcess({ build: info, mask }, input) {
          const record: ManifestBuild = {
            name: info.name,
            builder_type: info.builderType,
            build_time: Math.floor(Date.now() / 1000),
            files: input.files.length === 0 ? null : input.files.map((file) => ({ name: stripPath ? basename(file) : file, size: sizeOf(resolve(info.cwd, file)) })),
            artifact_id: input.id,
            packer_run_uuid: info.runId,
            custom_data: customData,
          };
          const failure = await withFileLock(`${outputPath}.lock`, () => {
            let manifest: ManifestFile = { builds: [], last_run_uuid: '' };
            if (existsSync(outputPath)) {
              const text = readFileSync(outputPath, 'utf8');
              if (text.trim() !== '') {
                try {
                  manifest = JSON.parse(text) as ManifestFile;
                  manifest.builds ??= [];
                } catch (e) {
                  return `Unable to parse content from ${output}: ${(e as Error).message}`;
                }
              }
            }
            manifest.builds.push(record);
            manifest.last_run_uuid = info.runId;
            writeFileSync(outputPath, mask(goJson(manifest)), { mode: 0o664 });
            return undefined;
          });
          if (failure) return err(failure);
          return ok({ artifact: input, keep: true, forceOverride: true });
        },
      },
    };
  },
};

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** JSON as Go's json.MarshalIndent writes it: two-space indent, and <, >, & escaped for HTML safety. */
export function goJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
