/** The workspace service: what the app remembers between sessions (recent files, settings). */
import { success, type Result } from '../contract/result';
import type { Settings } from '../contract/types';
import type { AppDataDir } from './data-dir';

export class WorkspaceService {
  constructor(private readonly data: AppDataDir) {}

  recentFiles(): Result<string[]> {
    return success(this.data.recentFiles());
  }

  getSettings(): Result<Settings> {
    return success(this.data.readSettings());
  }

  setSettings(change: Partial<Settings>): Result<Settings> {
    return success(this.data.writeSettings(change));
  }
}
