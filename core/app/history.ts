/**
 * The history service: the data folder's build history (core/history), opened once per host on first use and shared by
 * the builds service, which records every run the app starts, and the History page, which reads it.
 */
import { ok } from '../common/result';
import type { RunStatus } from '../common/history';
import { failure, type Result } from '../contract/result';
import type { HistoryPage, HistoryRunDetail, Settings } from '../contract/types';
import { History, type RetentionPolicy } from '../history/history';
import type { AppDataDir } from './data-dir';

export interface HistoryQuery {
  template?: string;
  status?: RunStatus;
  text?: string;
  limit?: number;
  offset?: number;
}

/** A page of the History list; the page virtualises, so one page may be large. */
const DEFAULT_LIMIT = 500;

export class HistoryService {
  private opened: Promise<History | string> | undefined;

  constructor(private readonly data: AppDataDir) {}

  /** The history, or why it cannot be opened (said once per call: the builds go on unrecorded). */
  async history(): Promise<Result<History>> {
    this.opened ??= History.open(this.data.path).then((r) => (r.ok ? r.value : r.error));
    const h = await this.opened;
    return typeof h === 'string' ? failure('engine', `The build history cannot be opened: ${h}`) : ok(h);
  }

  async list(query: HistoryQuery): Promise<Result<HistoryPage>> {
    const h = await this.history();
    if (!h.ok) return h;
    return ok(h.value.list({ ...query, limit: query.limit ?? DEFAULT_LIMIT }));
  }

  async detail(runId: string): Promise<Result<HistoryRunDetail>> {
    const h = await this.history();
    if (!h.ok) return h;
    const found = h.value.detail(runId);
    return found ? ok(found) : failure('not-found', `No run ${runId} in the build history.`);
  }

  /** Forgets the runs (and deletes the run logs) the settings' retention does not keep; answers how many went. */
  async applyRetention(settings: Settings): Promise<number> {
    const policy = retentionOf(settings);
    if (policy.keepRuns === undefined && policy.keepDays === undefined) return 0;
    const h = await this.history();
    return h.ok ? h.value.prune(policy).length : 0;
  }

  async dispose(): Promise<void> {
    const h = await this.opened;
    if (h && typeof h !== 'string') h.close();
    this.opened = undefined;
  }
}


/** The settings' retention as a policy: 0 means no limit. */
export function retentionOf(settings: Pick<Settings, 'historyKeepRuns' | 'historyKeepDays'>): RetentionPolicy {
  return {
    keepRuns: settings.historyKeepRuns > 0 ? settings.historyKeepRuns : undefined,
    keepDays: settings.historyKeepDays > 0 ? settings.historyKeepDays : undefined,
  };
}
