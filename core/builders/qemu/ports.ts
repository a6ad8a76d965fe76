/** Free TCP ports on the host, picked at random from a range as Packer does, so parallel builds rarely collide. */
import { createServer, type Server } from 'node:net';

/** Listens on a free port of [min, max] on `host`; the caller owns (and must close) the server. */
export async function listenInRange(server: Server, host: string, min: number, max: number, signal?: AbortSignal): Promise<number | undefined> {
  const lo = Math.min(min, max);
  const count = Math.abs(max - min) + 1;
  const start = Math.floor(Math.random() * count);
  for (let i = 0; i < count; i++) {
    if (signal?.aborted) return undefined;
    const port = lo + ((start + i) % count);
    const ok = await new Promise<boolean>((done) => {
      const fail = (): void => {
        server.off('listening', listening);
        done(false);
      };
      const listening = (): void => {
        server.off('error', fail);
        done(true);
      };
      server.once('error', fail);
      server.once('listening', listening);
      server.listen(port, host);
    });
    if (ok) return port;
  }
  return undefined;
}

/** A port of [min, max] that is free on `host` right now (for a program that binds it itself a moment later). */
export async function freePortInRange(host: string, min: number, max: number, signal?: AbortSignal): Promise<number | undefined> {
  const probe = createServer();
  const port = await listenInRange(probe, host, min, max, signal);
  if (port !== undefined) await new Promise<void>((done) => probe.close(() => done()));
  return port;
}
