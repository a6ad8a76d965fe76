/** The workspace service: what the app remembers between sessions (recent files, settings). */
import { ok } from '../common/result';
import type { Result } from '../contract/result';
import type { Settings } from '../contract/types';
import type { AppDataDir } from './data-dir';

export class WorkspaceService {
  constructor(private readonly data: AppDataDir) {}

  recentFiles(): Result<string[]> {
    return ok(this.data.recentFiles());
  }

  getSettings(): Result<Settings> {
    return ok(this.data.readSettings());
  }

  setSettings(change: Partial<Settings>): Result<Settings> {
    return ok(this.data.writeSettings(change));
  }
}
