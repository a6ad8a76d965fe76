/**
 * Azurite's Blob service (Microsoft's own storage emulator, the `azurite` npm devDependency, so `npm ci` on a fresh machine
 * installs it: nothing for .ci/run to start), one per test file on a port it picks itself (`--blobPort 0`, read back from
 * its start-up line, so no other process can take the port between choosing and listening), keeping blobs in memory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The emulator's account and key, which Microsoft publishes for everyone (UseDevelopmentStorage=true stands for them). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface Azurite {
  /** `http://127.0.0.1:PORT/devstoreaccount1`: the account's service URL in the emulator's path style. */
  serviceUrl: string;
  /** A connection string for the account, as AZURE_STORAGE_CONNECTION_STRING holds it. */
  connectionString: string;
  log(): string;
  stop(): Promise<void>;
}

/**
 * `tls`: HTTPS with this certificate and key (PEM files), and bearer tokens accepted (`--oauth basic`: Azurite checks a
 * token's issuer, audience and lifetime, not its signature), as a service principal's upload needs.
 */
export async function startAzurite(opts: { tls?: { cert: string; key: string } } = {}): Promise<Azurite> {
  const bin = realpathSync(join(__dirname, '..', '..', 'node_modules', '.bin', 'azurite-blob'));
  const tls = opts.tls ? ['--cert', opts.tls.cert, '--key', opts.tls.key, '--oauth', 'basic'] : [];
  const child: ChildProcess = spawn(process.execPath, [bin, '--blobHost', '127.0.0.1', '--blobPort', '0', '--inMemoryPersistence', '--skipApiVersionCheck', '--disableTelemetry', ...tls], {
    // Azurite may write its workspace files in its working folder; keep them out of the repository.
    cwd: mkdtempSync(join(tmpdir(), 'bakehouse-azurite-')),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`azurite-blob did not listen within 30 s: ${log}`)), 30_000);
    const onData = (b: Buffer): void => {
      log = (log + b.toString()).slice(-20000);
      const m = /successfully listens on https?:\/\/127\.0\.0\.1:(\d+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`azurite-blob exited (${code}): ${log}`));
    });
  });
  const serviceUrl = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}/${AZURITE_ACCOUNT}`;
  return {
    serviceUrl,
    connectionString: `DefaultEndpointsProtocol=${opts.tls ? 'https' : 'http'};AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};BlobEndpoint=${serviceUrl};`,
    log: () => log,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
