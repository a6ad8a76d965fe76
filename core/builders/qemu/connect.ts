/**
 * Waiting for SSH on the forwarded host port through the SSH communicator's own step, stopping early (with QEMU's last
 * words) when the machine dies meanwhile instead of waiting out ssh_timeout.
 */
import type { BuildState } from '../../engine/plugin';
import { CONTINUE, halt, type Step } from '../../engine/steps';
import { temporaryKeyPair } from '../../communicators/ssh/keypair';
import { waitForSshStep } from '../../communicators/ssh/wait';
import type { SshConfig } from '../../communicators/ssh/config';
import type { QemuConfig } from './read-config';
import type { Machine } from './run-machine';

/** Packer makes a temporary key pair when no credentials are given; its public key is `{{ .SSHPublicKey }}` in boot_command. */
export function temporaryKeyStep(cfg: QemuConfig, m: Machine): Step<BuildState> {
  return {
    name: 'StepSSHKeyGen',
    async run(_state, ctx) {
      const ssh = cfg.ssh;
      if (!ssh || ssh.password || ssh.privateKeyFile || ssh.agentAuth) return CONTINUE;
      ctx.ui.say('Creating temporary RSA SSH key for instance...');
      const pair = temporaryKeyPair(ssh.keyPairType, ssh.keyPairBits);
      if (!pair.ok) return halt(pair.error);
      ssh.privateKey = pair.value.privateKey;
      m.placeholders.SSHPublicKey = pair.value.publicKey;
      return CONTINUE;
    },
  };
}

export function connectStep(cfg: QemuConfig, m: Machine): Step<BuildState> {
  let inner: Step<BuildState> | undefined;
  return {
    name: 'StepConnect',
    async run(state, ctx) {
      const ssh = cfg.ssh;
      if (cfg.communicator === 'none' || !ssh) return CONTINUE;
      const target: SshConfig = {
        ...ssh,
        host: ssh.host || '127.0.0.1',
        port: cfg.skipNatMapping || m.sshHostPort === undefined ? ssh.port : m.sshHostPort,
      };
      inner = waitForSshStep(target);
      const stop = new AbortController();
      const onAbort = (): void => stop.abort();
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      let died = false;
      void m.process?.exited.then(() => {
        died = true;
        stop.abort();
      });
      try {
        const r = await inner.run(state, { ...ctx, signal: stop.signal });
        if (ctx.signal.aborted || r.ok) return r;
        const serial = m.process?.serialTail() ?? [];
        const tail = serial.length > 0 ? `\nThe machine's serial console ended with:\n${serial.map((l) => `  ${l}`).join('\n')}` : '';
        if (died) {
          const last = m.process?.lastErrors.join('\n') ?? '';
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
