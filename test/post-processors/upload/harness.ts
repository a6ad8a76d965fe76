/**
 * Runs an HCL2 template through the loader and the engine, as `bakehouse build` does: a null source whose artifact is
 * the files the test wrote (artifice), handed to the upload post-processor configured by the test.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { injectCredentials } from '../../../core/credentials/inject';
import type { Credential } from '../../../core/credentials/vault';
import { builtinPlugins } from '../../../core/engine/builtin-plugins';
import type { Diagnostic } from '../../../core/template/source';
import { loadTemplate } from '../../../core/template/load';
import { collect, tempDir } from '../../engine/helpers';

export const MIB = 1024 * 1024;

/** A folder holding `disk.img` (random, so nothing compresses or dedups it) and a small `notes.txt`. */
export function artifactFolder(diskBytes = 12 * MIB): { dir: string; disk: Buffer; notes: Buffer } {
  const dir = tempDir('bakehouse-upload-');
  const disk = randomBytes(diskBytes);
  const notes = Buffer.from('built by the upload test\n');
  writeFileSync(join(dir, 'disk.img'), disk);
  writeFileSync(join(dir, 'notes.txt'), notes);
  return { dir, disk, notes };
}

/** `upload` is the body of the upload post-processor block, as HCL. */
export function writeTemplate(dir: string, upload: string, files: string[] = ['disk.img', 'notes.txt']): string {
  const path = join(dir, 'upload.pkr.hcl');
  writeFileSync(
    path,
    `source "null" "image" {
  communicator = "none"
}

build {
  sources = ["source.null.image"]
  post-processors {
    post-processor "artifice" {
      files = ${JSON.stringify(files)}
    }
    post-processor "upload" {
${upload
  .trim()
  .split('\n')
  .map((l) => `      ${l.trim()}`)
  .join('\n')}
    }
  }
}
`,
  );
  return path;
}

export function loadErrors(path: string, env: Record<string, string> = {}): Diagnostic[] {
  return loadTemplate(path, { cwd: join(path, '..'), env }).diagnostics.filter((d) => d.severity === 'error');
}

/** `bound`: credentials bound to the build (`null.image`), put in as `bakehouse build -credential` does. */
export async function buildTemplate(path: string, env: Record<string, string>, bound: Credential[] = [], onEvent?: Parameters<typeof collect>[1]) {
  const cwd = join(path, '..');
  const loaded = loadTemplate(path, { cwd, env });
  assert.deepEqual(loaded.diagnostics.filter((d) => d.severity === 'error'), []);
  const injected = injectCredentials(loaded.model!.builds.flatMap((b) => b.builds), { 'null.image': bound });
  assert.ok(injected.ok, injected.ok ? '' : injected.error);
  const sensitiveStrings = [...loaded.model!.sensitiveStrings, ...injected.value.secrets];
  const { events, summary } = await collect({ builds: injected.value.builds, registry: builtinPlugins(), cwd, env, sensitiveStrings }, onEvent);
  return { events, build: summary.builds[0] };
}
