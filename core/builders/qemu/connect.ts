/**
 * Waiting for SSH on the forwarded host port through the SSH communicator's own step, stopping early (with QEMU's last
 * words) when the machine dies meanwhile instead of waiting out ssh_timeout.
 */
import type { BuildState } from '../../engine/plugin';
import { CONTINUE, halt, type Step, type StepContext } from '../../engine/steps';
import { temporaryKeyPair } from '../../communicators/ssh/keypair';
import { waitForSshStep } from '../../communicators/ssh/wait';
import type { SshConfig } from '../../communicators/ssh/config';
import type { QemuConfig } from './read-config';
import type { QemuState } from './state';

/** Packer makes a temporary key pair when no credentials are given; its public key is `{{ .SSHPublicKey }}` in boot_command. */
export function temporaryKeyStep(cfg: QemuConfig): Step<QemuState> {
  return {
    name: 'StepSSHKeyGen',
    async run(state, ctx) {
      const ssh = cfg.ssh;
      if (!ssh || ssh.password || ssh.privateKeyFile || ssh.agentAuth) return CONTINUE;
      ctx.ui.say('Creating temporary RSA SSH key for instance...');
      const pair = temporaryKeyPair(ssh.keyPairType, ssh.keyPairBits);
      if (!pair.ok) return halt(pair.error);
      state.temporaryKey = pair.value;
      return CONTINUE;
    },
  };
}

/**
 * A machine restored from the build cache's memory has the clock of the moment it was saved. Set to the host's time (as
 * root, else through passwordless sudo), so that what the next steps do (TLS, package signatures, make) sees the right
 * date; when neither works, say how far behind it is.
 */
async function setGuestClock(state: QemuState, ctx: StepContext): Promise<void> {
  const now = Math.round(Date.now() / 1000);
  const set = `date -u -s @${now} >/dev/null 2>&1 || sudo -n date -u -s @${now} >/dev/null 2>&1`;
  const r = await state.communicator?.run(set, { signal: ctx.signal, onLine: () => undefined });
  if (r?.ok && r.value.exitCode === 0) ctx.ui.message("Set the restored machine's clock to the host's time");
  else if (!ctx.signal.aborted) ctx.ui.say("Could not set the restored machine's clock (it needs root or passwordless sudo): it has the time its cached step ended at");
}

export function connectStep(cfg: QemuConfig): Step<QemuState> {
  // The SSH communicator's step, made once the port is known; private to this step, which runs and cleans it up.
  let inner: Step<BuildState> | undefined;
  return {
    name: 'StepConnect',
    async run(state, ctx) {
      const ssh = cfg.ssh;
      if (cfg.communicator === 'none' || !ssh) return CONTINUE;
      const target: SshConfig = {
        ...ssh,
        host: ssh.host || '127.0.0.1',
        port: cfg.skipNatMapping || state.sshHostPort === undefined ? ssh.port : state.sshHostPort,
        ...(state.temporaryKey ? { privateKey: state.temporaryKey.privateKey } : {}),
      };
      inner = waitForSshStep(target);
      const stop = new AbortController();
      const onAbort = (): void => stop.abort();
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      let died = false;
      void state.process?.exited.then(() => {
        died = true;
        stop.abort();
      });
      try {
        const r = await inner.run(state, { ...ctx, signal: stop.signal });
        if (r.ok && state.restored) await setGuestClock(state, ctx);
        if (ctx.signal.aborted || r.ok) return r;
        const serial = state.process?.serialTail() ?? [];
        const tail = serial.length > 0 ? `\nThe machine's serial console ended with:\n${serial.map((l) => `  ${l}`).join('\n')}` : '';
        if (died) {
          const last = state.process?.lastErrors.join('\n') ?? '';
          return halt(`QEMU exited while waiting for SSH${last ? `: ${last}` : ''}${tail}`);
        }
        return tail ? halt(`${r.error}${tail}`) : r;
      } finally {
        ctx.signal.removeEventListener('abort', onAbort);
      }
    },
    async cleanup(state, ctx) {
      await inner?.cleanup?.(state, ctx);
    },
  };
}
