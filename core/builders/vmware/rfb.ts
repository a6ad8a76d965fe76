/**
 * The part of the RFB (VNC) protocol a boot command needs, client side (RFC 6143): the version handshake, security
 * "None" or "VNC Authentication", ClientInit/ServerInit, and KeyEvent messages. VMware's own VNC server is what the
 * vmware builders type into, as Packer's StepVNCConnect/StepVNCBootCommand do; nothing here asks for screen updates.
 */
import { createCipheriv } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { err, ok, type Result } from '../../common/result';

export interface RfbSession {
  /** The desktop name the server announced. */
  readonly name: string;
  key(keysym: number, down: boolean): Promise<void>;
  close(): void;
}

/** A socket read as a stream of exact-length chunks. */
class Reader {
  private buffer = Buffer.alloc(0);
  private waiting?: { n: number; resolve: (b: Buffer) => void; reject: (e: Error) => void };
  private failure?: Error;
  constructor(socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, d]);
      this.settle();
    });
    const fail = (e: Error) => {
      this.failure ??= e;
      this.waiting?.reject(this.failure);
      this.waiting = undefined;
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('the VNC server closed the connection')));
  }
  read(n: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      this.waiting = { n, resolve, reject };
      this.settle();
    });
  }
  private settle(): void {
    const w = this.waiting;
    if (!w) return;
    if (this.buffer.length >= w.n) {
      this.waiting = undefined;
      const out = this.buffer.subarray(0, w.n);
      this.buffer = this.buffer.subarray(w.n);
      w.resolve(out);
    } else if (this.failure) {
      this.waiting = undefined;
      w.reject(this.failure);
    }
  }
}

const SECURITY_NONE = 1;
const SECURITY_VNC = 2;

/** VNC Authentication: the challenge DES-encrypted with the password (8 bytes, each byte's bits reversed) as key. */
export function vncAuthResponse(challenge: Buffer, password: string): Buffer {
  const key = Buffer.alloc(8);
  Buffer.from(password, 'latin1').copy(key, 0, 0, 8);
  for (let i = 0; i < 8; i++) {
    let b = key[i]!;
    let r = 0;
    for (let bit = 0; bit < 8; bit++) {
      r = (r << 1) | (b & 1);
      b >>= 1;
    }
    key[i] = r;
  }
  // Triple DES with one key three times is single DES, and unlike single DES it is in OpenSSL 3's default provider.
  const cipher = createCipheriv('des-ede3-ecb', Buffer.concat([key, key, key]), null);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(challenge), cipher.final()]);
}

export async function connectRfb(o: { host: string; port: number; password?: string; signal?: AbortSignal }): Promise<Result<RfbSession>> {
  const socket = connect({ host: o.host, port: o.port });
  const reader = new Reader(socket);
  const onAbort = () => socket.destroy(new Error('cancelled'));
  o.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const version = (await reader.read(12)).toString('latin1');
    const m = /^RFB (\d{3})\.(\d{3})\n$/.exec(version);
    if (!m) return err(`not a VNC server (it said ${JSON.stringify(version)})`);
    const minor = Number(m[1]) > 3 || Number(m[2]) >= 8 ? 8 : Number(m[2]) >= 7 ? 7 : 3;
    socket.write(`RFB 003.00${minor}\n`);
    let security: number;
    if (minor === 3) {
      security = (await reader.read(4)).readUInt32BE(0);
    } else {
      const count = (await reader.read(1))[0]!;
      if (count === 0) return err(`VNC server refused the connection: ${await readReason(reader)}`);
      const offered = [...(await reader.read(count))];
      security = o.password && offered.includes(SECURITY_VNC) ? SECURITY_VNC : offered.includes(SECURITY_NONE) ? SECURITY_NONE : offered.includes(SECURITY_VNC) ? SECURITY_VNC : 0;
      if (security === 0) return err(`VNC server offers no security type Bakehouse speaks (offered ${offered.join(', ')}; None and VNC Authentication are supported)`);
      socket.write(Buffer.from([security]));
    }
    if (security === SECURITY_VNC) {
      if (!o.password) return err('the VNC server asks for a password and none was given');
      socket.write(vncAuthResponse(await reader.read(16), o.password));
    }
    if (security === SECURITY_VNC || minor === 8) {
      const result = (await reader.read(4)).readUInt32BE(0);
      if (result !== 0) return err(`VNC authentication failed${minor === 8 ? `: ${await readReason(reader)}` : ''}`);
    }
    // ClientInit, asking to share the desktop with other viewers.
    socket.write(Buffer.from([1]));
    const init = await reader.read(24);
    const name = (await reader.read(init.readUInt32BE(20))).toString('utf8');
    return ok({
      name,
      key: (keysym, down) =>
        new Promise<void>((resolve, reject) => {
          const msg = Buffer.alloc(8);
          msg[0] = 4;
          msg[1] = down ? 1 : 0;
          msg.writeUInt32BE(keysym >>> 0, 4);
          socket.write(msg, (e) => (e ? reject(e) : resolve()));
        }),
      close: () => socket.end(),
    });
  } catch (e) {
    socket.destroy();
    return err(`Error connecting to VNC: ${(e as Error).message}`);
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
  }
}

async function readReason(reader: Reader): Promise<string> {
  const n = (await reader.read(4)).readUInt32BE(0);
  return (await reader.read(n)).toString('utf8');
}
