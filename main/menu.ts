/**
 * The application menu: every item sends a command to the UI, which runs it as the same action its buttons run.
 * Open and Save As ask the native dialog first and send the chosen path.
 */
import { app, Menu, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import { basename } from 'node:path';
import type { MenuCommand } from '../core/contract/bridge';
import { IPC } from '../core/contract/ipc';
import type { Dialogs } from './ipc/workspace';

export interface MenuDeps {
  window: () => BrowserWindow | undefined;
  dialogs: Dialogs;
  recentFiles: () => string[];
}

export function installMenu(deps: MenuDeps): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(deps)));
}

function send(deps: MenuDeps, command: MenuCommand): void {
  const win = deps.window();
  if (win && !win.isDestroyed()) win.webContents.send(IPC.menu, command);
}

export function menuTemplate(deps: MenuDeps): MenuItemConstructorOptions[] {
  const isMac = process.platform === 'darwin';
  const openWith = (folder: boolean) => async () => {
    const path = await deps.dialogs.open({ folder });
    if (path) send(deps, { command: 'open', path });
  };
  const recent = deps.recentFiles();
  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      { label: 'Open Template…', accelerator: 'CmdOrCtrl+O', click: openWith(false) },
      { label: 'Open Template Folder…', accelerator: 'CmdOrCtrl+Shift+O', click: openWith(true) },
      {
        label: 'Open Recent',
        enabled: recent.length > 0,
        submenu: recent.map((path) => ({ label: basename(path), sublabel: path, click: () => send(deps, { command: 'open', path }) })),
      },
      { type: 'separator' },
      { label: 'Save', accelerator: 'CmdOrCtrl+S', click: () => send(deps, { command: 'save' }) },
      {
        label: 'Save As…',
        accelerator: 'CmdOrCtrl+Shift+S',
        click: async () => {
          const path = await deps.dialogs.save({});
          if (path) send(deps, { command: 'save-as', path });
        },
      },
      { type: 'separator' },
      { label: 'Format Document', accelerator: 'Shift+Alt+F', click: () => send(deps, { command: 'format' }) },
      ...(isMac ? [] : [{ type: 'separator' } as const, { role: 'quit' } as const]),
    ],
  };
  const build: MenuItemConstructorOptions = {
    label: 'Build',
    submenu: [
      { label: 'Run Build', accelerator: 'F5', click: () => send(deps, { command: 'run' }) },
      { label: 'Cancel Build', accelerator: 'Shift+F5', click: () => send(deps, { command: 'cancel' }) },
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
      // Developer tools only in development: a packaged app has no reason to open them.
      ...(app.isPackaged ? [] : [{ type: 'separator' } as const, { role: 'reload' } as const, { role: 'toggleDevTools' } as const]),
    ],
  };
  return [
    ...(isMac ? [{ role: 'appMenu' } as const] : []),
    file,
    { role: 'editMenu' },
    view,
    build,
    { role: 'windowMenu' },
  ];
}
