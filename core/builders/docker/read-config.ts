/**
 * Reads the docker builder's config into the shape its steps use, with Packer's messages for what is wrong (Packer's
 * Prepare: no side effects). The schema the editor and forms use is in config.ts.
 */
import { err, type Result } from '../../common/result';
import { ConfigFields } from '../../engine/config-fields';
import type { ComponentConfig } from '../../template/model';
import { DEFAULT_RUN_COMMAND, parseRunCommand, type RunOptions } from './run-command';

export interface DockerBuilderConfig {
  image: string;
  pull: boolean;
  output: { kind: 'commit' } | { kind: 'discard' } | { kind: 'export'; path: string };
  changes: string[];
  author: string;
  message: string;
  run: RunOptions;
  /** Host path → container path. */
  volumes: Record<string, string>;
  containerDir: string;
  execUser: string;
  fixUploadOwner: boolean;
  pty: boolean;
  login: { login: boolean; server: string; username: string; password: string };
}

/** Instructions `docker commit --change` accepts. */
export const CHANGE_INSTRUCTIONS = ['CMD', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'LABEL', 'ONBUILD', 'USER', 'VOLUME', 'WORKDIR'];


export function readDockerConfig(config: ComponentConfig): Result<DockerBuilderConfig, string[]> {
  const f = new ConfigFields(config, 'docker');
  const image = f.string('image');
  // Today's plugin may build the image from a Dockerfile (`build { … }`) instead; Bakehouse cannot run that yet.
  if (image === '' && (config.blocks.build?.length ?? 0) > 0) f.error('Bakehouse cannot build the image from a `build` block yet; give `image` instead');
  else if (image === '') f.error("missing 'image' attribute or 'build' section, either needs to be specified for a build to run.");
  const commit = f.bool('commit');
  const discard = f.bool('discard');
  const exportPath = f.string('export_path');
  const chosen = [commit, discard, exportPath !== ''].filter(Boolean).length;
  if (chosen === 0) f.error('No instructions given for handling the artifact; expected commit, discard, or export_path');
  if (chosen > 1) f.error('Cannot specify more than one of commit, discard, and export_path');
  const changes = f.stringList('changes');
  for (const c of changes) {
    const word = c.trim().split(/\s+/)[0]?.toUpperCase() ?? '';
    if (!CHANGE_INSTRUCTIONS.includes(word)) {
      f.error(`changes: "${c}" is not an instruction docker commit can apply; use one of ${CHANGE_INSTRUCTIONS.join(', ')}`);
    }
  }
  const communicator = f.string('communicator', 'docker');
  if (communicator !== 'docker') f.error(`communicator "${communicator}" is not supported by Bakehouse's docker builder yet: use communicator = "docker"`);
  if (f.bool('windows_container')) f.error('windows_container is not supported by Bakehouse yet');
  if (f.bool('ecr_login')) f.error('ecr_login is not supported by Bakehouse yet: log in with login_username/login_password');
  const runCommand = f.has('run_command') ? f.stringList('run_command') : DEFAULT_RUN_COMMAND;
  const parsed = parseRunCommand(runCommand, image);
  if (!parsed.ok) f.error(parsed.error);
  const volumes: Record<string, string> = {};
  for (const [host, inContainer] of Object.entries(f.object('volumes') ?? {})) volumes[host] = String(inContainer);
  const login = f.bool('login');
  const loginServer = f.string('login_server');
  if (login && (f.string('login_username') === '' || f.string('login_password') === '')) {
    f.error('login = true needs login_username and login_password');
  }
  const containerDir = f.string('container_dir', '/packer-files');
  if (f.errors.length > 0 || !parsed.ok) return err(f.errors);
  const runOptions = parsed.value;
  runOptions.privileged ||= f.bool('privileged');
  runOptions.capAdd.push(...f.stringList('cap_add'));
  runOptions.capDrop.push(...f.stringList('cap_drop'));
  runOptions.devices.push(...f.stringList('device'));
  runOptions.tmpfs.push(...f.stringList('tmpfs'));
  if (f.has('runtime')) runOptions.runtime = f.string('runtime');
  if (f.has('platform')) runOptions.platform = f.string('platform');
  return {
    ok: true,
    value: {
      image,
      pull: f.bool('pull', true),
      output: commit ? { kind: 'commit' } : discard ? { kind: 'discard' } : { kind: 'export', path: exportPath },
      changes,
      author: f.string('author'),
      message: f.string('message'),
      run: runOptions,
      volumes,
      containerDir,
      execUser: f.string('exec_user'),
      fixUploadOwner: f.bool('fix_upload_owner', true),
      pty: f.bool('pty'),
      login: { login, server: loginServer, username: f.string('login_username'), password: f.string('login_password') },
    },
  };
}
