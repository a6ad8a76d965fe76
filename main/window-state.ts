/** The main window's size, position and maximized state, remembered in the app data folder. */
import { screen, type BrowserWindow, type Rectangle } from 'electron';
import type { AppDataDir } from '../core/app/data-dir';

export interface WindowState {
  bounds: Rectangle;
  maximized: boolean;
}

const DEFAULT: WindowState = { bounds: { x: 0, y: 0, width: 1280, height: 820 }, maximized: false };

export function loadWindowState(data: AppDataDir): WindowState {
  const saved = data.readState<WindowState>('window-state');
  if (!saved?.bounds || typeof saved.bounds.width !== 'number') return centred(DEFAULT);
  // A window saved on a screen that is gone would open out of sight.
  const visible = screen.getAllDisplays().some((d) => intersects(d.workArea, saved.bounds));
  return visible ? saved : centred({ ...saved, bounds: { ...saved.bounds } });
}

export function trackWindowState(win: BrowserWindow, data: AppDataDir): void {
  const save = () => {
    if (win.isDestroyed()) return;
    data.writeState('window-state', { bounds: win.getNormalBounds(), maximized: win.isMaximized() } satisfies WindowState);
  };
  win.on('close', save);
}

function centred(state: WindowState): WindowState {
  const area = screen.getPrimaryDisplay().workArea;
  const width = Math.min(state.bounds.width, area.width);
  const height = Math.min(state.bounds.height, area.height);
  return { ...state, bounds: { x: area.x + Math.round((area.width - width) / 2), y: area.y + Math.round((area.height - height) / 2), width, height } };
}

function intersects(a: Rectangle, b: Rectangle): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}
