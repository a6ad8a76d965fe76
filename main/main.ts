/**
 * The Electron main process: hosts the contract's services (core/app) for one window and nothing more. Business logic
 * lives in core/; this file wires windows, the app:// protocol, IPC and the menu.
 */
import { app, BrowserWindow, dialog, ipcMain, safeStorage } from 'electron';
import { join, resolve } from 'node:path';
import { AppDataDir } from '../core/app/data-dir';
import { createHost } from '../core/app/host';
import { registerBuildIpc } from './ipc/builds';
import { registerCredentialIpc } from './ipc/credentials';
import { registerHistoryIpc } from './ipc/history';
import { ourPage, type IpcMainLike } from './ipc/sender';
import { registerSteppingIpc } from './ipc/stepping';
import { registerTemplateIpc } from './ipc/templates';
import { registerWorkspaceIpc, type Dialogs } from './ipc/workspace';
import { installMenu } from './menu';
import { APP_URL, registerAppScheme, serveRenderer } from './protocol';
import { hardenSessions } from './security';
import { loadWindowState, trackWindowState } from './window-state';
import { keyringSettingFor } from './vault-backend';

registerAppScheme();
// One instance: a second launch focuses the first window instead of starting a second host on the same data folder.
const firstInstance = app.requestSingleInstanceLock();
if (!firstInstance) app.quit();

const data = AppDataDir.fromEnv();
// Packaged, the examples sit in the resources folder (electron-builder's extraResources); in a checkout, two levels up.
const host = createHost({ dataDir: data.path, appRoot: app.isPackaged ? process.resourcesPath : resolve(__dirname, '..', '..') });
let mainWindow: BrowserWindow | undefined;

const dialogs: Dialogs = {
  async open({ folder, credentialFile }) {
    const win = mainWindow;
    // A credential file (~/.aws/credentials, ~/.docker/config.json, a key's JSON) often sits in a hidden folder.
    const options: Electron.OpenDialogOptions = credentialFile
      ? { title: 'Import Credentials From', properties: ['openFile', 'showHiddenFiles'] }
      : {
          title: folder ? 'Open Template Folder' : 'Open Template',
          properties: [folder ? 'openDirectory' : 'openFile'],
          filters: folder ? undefined : [{ name: 'Packer templates', extensions: ['hcl', 'json'] }, { name: 'All files', extensions: ['*'] }],
        };
    const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
    return r.canceled || r.filePaths.length === 0 ? null : r.filePaths[0];
  },
  async save({ defaultPath }) {
    const win = mainWindow;
    const options: Electron.SaveDialogOptions = { title: 'Save Template As', defaultPath, filters: [{ name: 'Packer templates', extensions: ['hcl', 'json'] }] };
    const r = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
    return r.canceled || !r.filePath ? null : r.filePath;
  },
};

function refreshMenu(): void {
  installMenu({ window: () => mainWindow, dialogs, recentFiles: () => data.recentFiles() });
}

function createWindow(): BrowserWindow {
  const state = loadWindowState(data);
  const win = new BrowserWindow({
    ...state.bounds,
    minWidth: 800,
    minHeight: 500,
    show: false,
    title: 'Bakehouse',
    backgroundColor: '#1e1e1e',
    webPreferences: {
      preload: join(__dirname, 'preload.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      webviewTag: false,
      spellcheck: false,
    },
  });
  if (state.maximized) win.maximize();
  trackWindowState(win, data);
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = undefined;
  });
  void win.loadURL(APP_URL);
  return win;
}

void app.whenReady().then(() => {
  if (!firstInstance) return;
  // safeStorage knows its backend only once the app is ready, before any window can open the vault. The host reads
  // process.env (its default environment) when it opens the vault.
  const keyring = keyringSettingFor(process.platform, process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : undefined, process.env);
  if (keyring !== undefined) process.env.BAKEHOUSE_VAULT_KEYRING = keyring;
  hardenSessions();
  serveRenderer(process.env.BAKEHOUSE_RENDERER_DIR ?? join(__dirname, '..', 'renderer'));
  const trusted = ourPage(() => BrowserWindow.getAllWindows().map((w) => w.webContents.id));
  const ipc = ipcMain as unknown as IpcMainLike;
  registerTemplateIpc(ipc, host, trusted, (path) => {
    app.addRecentDocument(path);
    refreshMenu();
  });
  registerBuildIpc(ipc, host, trusted);
  registerCredentialIpc(ipc, host, trusted);
  registerHistoryIpc(ipc, host, trusted);
  registerSteppingIpc(ipc, host, trusted);
  registerWorkspaceIpc(ipc, host, trusted, dialogs);
  refreshMenu();
  mainWindow = createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow();
  });
});

app.on('second-instance', () => {
  if (!mainWindow) return;
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.focus();
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

// Running builds are cancelled and cleaned up before the process exits, as Ctrl-C does in the CLI.
let disposed = false;
app.on('will-quit', (event) => {
  if (disposed) return;
  event.preventDefault();
  disposed = true;
  void host.dispose().finally(() => app.quit());
});
