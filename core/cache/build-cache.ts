/**
 * One build's view of the cache: the chained key of each provisioner, the longest prefix already cached, and saving a
 * step's result once it succeeded. The engine makes it (it knows the provisioners); a builder that can snapshot its
 * machine (docker) plans it before starting the machine and hands it `Snapshots`; a builder that does not leaves it
 * unplanned, and then nothing is served from or saved to the cache.
 */
import { randomBytes } from 'node:crypto';
import { err, ok, type Result } from '../common/result';
import type { Plain } from '../template/values/value';
import { fingerprint } from './fingerprint';
import { baseKey, stepKey } from './key';
import type { CacheEntry, CacheStore } from './store';

/** Provisioners whose effect is outside the machine (shell-local) or is a person (breakpoint): never served from cache. */
export const UNCACHEABLE_PROVISIONERS = ['shell-local', 'breakpoint'] as const;

/** The image repository cache entries are tagged in; never pushed. */
export const CACHE_REPOSITORY = 'bakehouse-cache';

/** A cache image's commit comment: this, then the cache folder it belongs to. */
export const CACHE_COMMENT_PREFIX = 'bakehouse build cache: ';

export interface CacheStepInput {
  type: string;
  name?: string;
  config: Record<string, Plain>;
  /** False when the template says `cache = false`. */
  cache: boolean;
  /** False when this run must run it even if cached (a breakpoint before it); its result is still saved. */
  reuse?: boolean;
}

export interface CacheBuildInfo {
  buildName: string;
  displayName: string;
  builderType: string;
  cwd: string;
}

/** Where a snapshot is: its id (`image`) and the name it is kept under (`tag`), which prune removes. */
export interface SnapshotRef {
  image: string;
  tag: string;
}

/**
 * What the builder does with machine snapshots (docker: commit the container as an image; qemu: copy the running disk
 * to a file, disk-snapshots.ts), and checking one is still there.
 */
export interface Snapshots {
  /** Snapshots the machine under the unique name `tag` (docker: in CACHE_REPOSITORY). */
  save(tag: string, signal: AbortSignal): Promise<SnapshotRef>;
  exists(image: string): Promise<boolean>;
  /** Removes a snapshot this build made but could not record (another build recorded the same key first). */
  discard(tag: string): Promise<void>;
}

export interface CachePlan {
  /** How many leading provisioners are served from the cache. */
  hits: number;
  /** The image to start the machine from when hits > 0. */
  image?: string;
}

export class BuildCache {
  private keys: Array<string | undefined> = [];
  private snapshots?: Snapshots;
  private plan_: CachePlan = { hits: 0 };

  constructor(
    private readonly store: CacheStore,
    private readonly steps: readonly CacheStepInput[],
    private readonly info: CacheBuildInfo,
    /** -resume: the user asked to pick up a failed build, so say where it resumes. */
    readonly resume: boolean,
  ) {}

  /** The cache folder this build's entries go to. */
  get folder(): string {
    return this.store.dir;
  }

  get planned(): CachePlan {
    return this.plan_;
  }

  /** Computes every key and finds the longest cached prefix whose image is still there. */
  async plan(baseDigest: string, builderConfig: Plain, snapshots: Snapshots): Promise<CachePlan> {
    this.snapshots = snapshots;
    const salt = this.store.salt();
    let previous = baseKey(salt, this.info.builderType, baseDigest, builderConfig);
    this.keys = [];
    let open = true;
    for (const s of this.steps) {
      // Once a step cannot be cached, no later step is either: its result may depend on what that step did.
      open = open && s.cache && !(UNCACHEABLE_PROVISIONERS as readonly string[]).includes(s.type);
      if (!open) {
        this.keys.push(undefined);
        continue;
      }
      const fp = await fingerprint({ type: s.type, config: s.config, buildName: this.info.buildName, builderType: this.info.builderType, cwd: this.info.cwd });
      previous = stepKey(salt, previous, fp);
      this.keys.push(previous);
    }
    const firstNoReuse = this.steps.findIndex((s) => s.reuse === false);
    const last = firstNoReuse < 0 ? this.keys.length - 1 : firstNoReuse - 1;
    for (let i = last; i >= 0; i--) {
      const key = this.keys[i];
      const entry = key ? this.store.get(key) : undefined;
      if (!entry) continue;
      if (!(await snapshots.exists(entry.image))) {
        // Its image was removed behind our back (docker rmi, docker system prune): the entry is worthless.
        this.store.remove(entry.key);
        continue;
      }
      this.store.touch(entry.key);
      this.plan_ = { hits: i + 1, image: entry.image };
      return this.plan_;
    }
    this.plan_ = { hits: 0 };
    return this.plan_;
  }

  /** Every provisioner is served from the cache: nothing will run on the machine. */
  get allCached(): boolean {
    return this.steps.length > 0 && this.plan_.hits === this.steps.length;
  }

  /** Whether provisioner `index` (0-based) is saved after it succeeds. */
  saves(index: number): boolean {
    return this.snapshots !== undefined && this.keys[index] !== undefined;
  }

  /**
   * Snapshots the machine after provisioner `index` succeeded and records the entry. The entry is written only once the
   * snapshot exists, so a build killed mid-commit leaves at most a tagged image without an entry (prune removes those).
   */
  async save(index: number, signal: AbortSignal): Promise<Result<CacheEntry | undefined>> {
    const key = this.keys[index];
    const step = this.steps[index];
    if (!this.snapshots || !key || !step) return ok(undefined);
    if (this.store.get(key)) return ok(undefined);
    const tag = `${key}-${randomBytes(4).toString('hex')}`;
    this.store.markPending(tag);
    try {
      return await this.commitAndRecord(index, key, step, tag, signal);
    } finally {
      this.store.clearPending(tag);
    }
  }

  private async commitAndRecord(index: number, key: string, step: CacheStepInput, tag: string, signal: AbortSignal): Promise<Result<CacheEntry | undefined>> {
    const snapshots = this.snapshots;
    if (!snapshots) return ok(undefined);
    let ref: SnapshotRef;
    try {
      ref = await snapshots.save(tag, signal);
    } catch (e) {
      // An aborted commit may still finish in the daemon: remove it if it did.
      await snapshots.discard(tag).catch(() => undefined);
      return err((e as Error).message);
    }
    if (signal.aborted) {
      await snapshots.discard(tag).catch(() => undefined);
      return ok(undefined);
    }
    const now = Date.now();
    const entry: CacheEntry = {
      key,
      image: ref.image,
      tag: ref.tag,
      step: index + 1,
      type: step.type,
      ...(step.name !== undefined ? { name: step.name } : {}),
      build: this.info.displayName,
      parent: index === 0 ? '' : (this.keys[index - 1] ?? ''),
      created: now,
      lastUsed: now,
    };
    if (!this.store.claim(entry)) {
      await snapshots.discard(tag).catch(() => undefined);
      return ok(undefined);
    }
    return ok(entry);
  }
}
