/** Writes a file so that readers see either the old or the new content, never half of it. */
import { createWriteStream, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { basename, dirname, join } from 'node:path';

export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  let mode: number | undefined;
  try {
    mode = statSync(path).mode & 0o7777;
  } catch {
    mode = undefined;
  }
  try {
    writeFileSync(tmp, content, mode === undefined ? {} : { mode });
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * Pipes `stages` into a new file at `partial` and resolves once the file is closed. On failure or cancel the file is
 * removed after the stream has let go of it: an fs stream opens its file asynchronously, so a removal made as soon as the
 * pipeline fails can come before the file appears and leave it behind.
 */
export async function pipeToNewFile(
  stages: Array<NodeJS.ReadableStream | NodeJS.WritableStream | NodeJS.ReadWriteStream>,
  partial: string,
  signal: AbortSignal,
  mode?: number,
): Promise<void> {
  const out = createWriteStream(partial, mode === undefined ? {} : { mode });
  try {
    const streams: ReadonlyArray<NodeJS.ReadableStream | NodeJS.WritableStream | NodeJS.ReadWriteStream> = [...stages, out];
    await pipeline(streams, { signal });
  } catch (e) {
    if (!out.closed) {
      const closed = once(out, 'close').catch(() => undefined);
      out.destroy();
      await closed;
    }
    rmSync(partial, { force: true });
    throw e;
  }
}
