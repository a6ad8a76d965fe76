/**
 * The main process's wiring, run in Node against a stand-in `electron` module (the real binary is not installed here):
 * window options, the app:// protocol, IPC channels, permissions, navigation guards and the menu.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { IPC, methodChannel } from '../../core/contract/ipc';
import { METHOD_NAMES } from '../../core/contract/methods';

type Listener = (...args: unknown[]) => unknown;
interface FakeWindow {
  options: { webPreferences: Record<string, unknown> };
  url?: string;
  webContents: { id: number };
}

const seen = {
  schemes: [] as unknown[],
  protocol: undefined as undefined | ((req: { url: string }) => Promise<Response>),
  handles: new Map<string, Listener>(),
  ons: new Map<string, Listener>(),
  windows: [] as FakeWindow[],
  menu: undefined as undefined | Array<{ label?: string; role?: string; submenu?: Array<{ label?: string; accelerator?: string }> }>,
  appEvents: new Map<string, Listener>(),
  permissionRequest: undefined as undefined | Listener,
  permissionCheck: undefined as undefined | Listener,
  quits: 0,
};

const fakeElectron = {
  app: {
    isPackaged: false,
    requestSingleInstanceLock: () => true,
    quit: () => void seen.quits++,
    whenReady: () => Promise.resolve(),
    on: (event: string, l: Listener) => void seen.appEvents.set(event, l),
    addRecentDocument: () => undefined,
  },
  protocol: {
    registerSchemesAsPrivileged: (s: unknown[]) => void seen.schemes.push(...s),
    handle: (_scheme: string, h: (req: { url: string }) => Promise<Response>) => void (seen.protocol = h),
  },
  BrowserWindow: class {
    static getAllWindows = () => seen.windows;
    webContents = { id: seen.windows.length + 1, send: () => undefined };
    url?: string;
    constructor(readonly options: FakeWindow['options']) {
      seen.windows.push(this as unknown as FakeWindow);
    }
    maximize() {}
    once() {}
    on() {}
    isDestroyed = () => false;
    loadURL(url: string) {
      this.url = url;
      return Promise.resolve();
    }
  },
  dialog: {},
  // A desktop with a real keyring: the vault keeps its default (main/vault-backend.ts has its own test).
  safeStorage: { getSelectedStorageBackend: () => 'gnome_libsecret' },
  ipcMain: {
    handle: (c: string, l: Listener) => void seen.handles.set(c, l),
    on: (c: string, l: Listener) => void seen.ons.set(c, l),
    removeHandler: () => undefined,
  },
  Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: (m: typeof seen.menu) => void (seen.menu = m) },
  screen: {
    getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }],
    getPrimaryDisplay: () => ({ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }),
  },
  session: {
    defaultSession: {
      setPermissionRequestHandler: (h: Listener) => void (seen.permissionRequest = h),
      setPermissionCheckHandler: (h: Listener) => void (seen.permissionCheck = h),
    },
  },
  shell: { openExternal: () => Promise.resolve() },
};

async function loadMain(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-main-'));
  mkdirSync(join(dir, 'renderer'));
  writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html><title>Bakehouse</title>');
  process.env.BAKEHOUSE_DATA_DIR = join(dir, 'data');
  process.env.BAKEHOUSE_RENDERER_DIR = join(dir, 'renderer');
  const mod = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const original = mod._load;
  mod._load = function (request: string, ...rest: unknown[]) {
    return request === 'electron' ? fakeElectron : original.call(this, request, ...rest);
  };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('../../main/main');
  } finally {
    mod._load = original;
  }
  await new Promise((r) => setImmediate(r));
}

test('main opens one sandboxed, isolated window on app://bakehouse/ and answers every contract method on its own channel', async () => {
  await loadMain();
  assert.equal(seen.windows.length, 1);
  const [win] = seen.windows;
  assert.equal(win.url, 'app://bakehouse/');
  const prefs = win.options.webPreferences;
  assert.equal(prefs.contextIsolation, true);
  assert.equal(prefs.sandbox, true);
  assert.equal(prefs.nodeIntegration, false);
  assert.equal(prefs.webviewTag, false);
  assert.match(String(prefs.preload), /preload\.js$/);
  assert.deepEqual(seen.schemes, [{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
  for (const name of METHOD_NAMES) assert.ok(seen.handles.has(methodChannel(name)), name);
  assert.ok(seen.handles.has(IPC.openDialog) && seen.handles.has(IPC.saveDialog));
  assert.ok(seen.ons.has(IPC.subscribeRun) && seen.ons.has(IPC.unsubscribeRun));
  assert.ok(![...seen.handles.keys(), ...seen.ons.keys()].some((c) => /invoke|generic/.test(c)));
});

test('app:// serves the UI folder with the CSP and nothing outside it', async () => {
  const handler = seen.protocol!;
  const page = await handler({ url: 'app://bakehouse/' });
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
  assert.match(await page.text(), /<title>Bakehouse<\/title>/);
  assert.equal((await handler({ url: 'app://bakehouse/%2e%2e/%2e%2e/etc/passwd' })).status, 404);
  assert.equal((await handler({ url: 'app://elsewhere/index.html' })).status, 404);
});

test('permissions are refused except clipboard writes from our page; navigation away and new windows are refused', () => {
  const answers: boolean[] = [];
  const ours = { getURL: () => 'app://bakehouse/index.html' };
  const theirs = { getURL: () => 'https://evil.example/' };
  seen.permissionRequest!(ours, 'geolocation', (ok: boolean) => answers.push(ok));
  seen.permissionRequest!(ours, 'clipboard-sanitized-write', (ok: boolean) => answers.push(ok));
  seen.permissionRequest!(theirs, 'clipboard-sanitized-write', (ok: boolean) => answers.push(ok));
  assert.deepEqual(answers, [false, true, false]);
  assert.equal(seen.permissionCheck!(null, 'media', 'app://bakehouse'), false);

  const handlers = new Map<string, Listener>();
  let openHandler: Listener | undefined;
  seen.appEvents.get('web-contents-created')!({}, { on: (e: string, l: Listener) => handlers.set(e, l), setWindowOpenHandler: (l: Listener) => (openHandler = l) });
  const prevented: string[] = [];
  for (const url of ['https://evil.example/', 'file:///etc/passwd', 'app://bakehouse/other.html']) {
    handlers.get('will-navigate')!({ preventDefault: () => prevented.push(url) }, url);
  }
  assert.deepEqual(prevented, ['https://evil.example/', 'file:///etc/passwd']);
  let attached = true;
  handlers.get('will-attach-webview')!({ preventDefault: () => (attached = false) });
  assert.equal(attached, false);
  assert.deepEqual(openHandler!({ url: 'https://example.com/' }), { action: 'deny' });
});

test('the menu has open, save, format, run and cancel with their shortcuts; quitting waits for the host', async () => {
  const items = (seen.menu ?? []).flatMap((top) => (top.submenu ?? []).map((i) => `${top.label ?? top.role}/${i.label}/${i.accelerator ?? ''}`));
  for (const expected of ['File/Open Template…/CmdOrCtrl+O', 'File/Save/CmdOrCtrl+S', 'File/Save As…/CmdOrCtrl+Shift+S', 'File/Format Document/Shift+Alt+F', 'Build/Run Build/F5', 'Build/Cancel Build/Shift+F5']) {
    assert.ok(items.includes(expected), `${expected} in ${items.join(', ')}`);
  }
  let prevented = false;
  seen.appEvents.get('will-quit')!({ preventDefault: () => (prevented = true) });
  assert.equal(prevented, true, 'the first quit waits for running builds to clean up');
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(seen.quits, 1);
});
