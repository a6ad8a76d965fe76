/** The WebSocket address for a page served by `bakehouse serve`: same origin, the token passed on from the page's address. */
import { TOKEN_PARAM, WS_PATH } from '../../core/contract/wire';

export function webSocketUrl(location: { protocol: string; host: string; search: string }): string {
  const token = new URLSearchParams(location.search).get(TOKEN_PARAM);
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  // Without a token in the address (a reload after it was removed) the browser still sends the session cookie.
  return `${scheme}://${location.host}${WS_PATH}${token ? `?${TOKEN_PARAM}=${encodeURIComponent(token)}` : ''}`;
}
