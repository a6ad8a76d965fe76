/** Hardening every window shares: no navigation away from our page, no new windows, no webviews, no permissions. */
import { app, session, shell, type WebContents } from 'electron';
import { APP_URL } from './protocol';

/** The one permission the editor needs: copying text to the clipboard, from our own page. */
const ALLOWED = new Set(['clipboard-sanitized-write']);

export function hardenSessions(): void {
  const ours = (origin: string | undefined) => origin !== undefined && `${origin}/`.startsWith(APP_URL);
  session.defaultSession.setPermissionRequestHandler((wc, permission, callback) => callback(ALLOWED.has(permission) && ours(wc.getURL())));
  session.defaultSession.setPermissionCheckHandler((_wc, permission, requestingOrigin) => ALLOWED.has(permission) && ours(requestingOrigin));
  app.on('web-contents-created', (_event, contents) => hardenContents(contents));
}

function hardenContents(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!url.startsWith(APP_URL)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!url.startsWith(APP_URL)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    // Documentation links open in the user's browser; nothing opens inside the app.
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
}
