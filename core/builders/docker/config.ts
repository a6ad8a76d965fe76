/** The docker builder's configuration: runs a container from `image`, provisions it, then commits, exports or discards it. */
import { problem, type Check } from '../../components/checks';
import { checkablePath } from '../../components/files';
import { boolField, stringField, stringListField, stringMapField } from '../../components/fields';
import type { ComponentSchema } from '../../components/schema';
import { COMMUNICATOR_ENUM_MESSAGES, communicatorChecks, communicatorFields } from '../../communicators/config';

export const dockerBuilderSchema: ComponentSchema = {
  kind: 'builder',
  type: 'docker',
  description: 'Builds a container image by running a container, provisioning it, and committing or exporting it.',
  fields: [
    ...communicatorFields('docker'),
    stringField('author', 'Author recorded on the committed image.'),
    stringListField('changes', 'Dockerfile instructions (CMD, ENV, EXPOSE, …) applied when committing.'),
    boolField('commit', 'Commit the container to an image when the build ends.'),
    stringField('container_dir', 'Folder inside the container where Packer puts uploaded files.', { default: '/packer-files' }),
    stringListField('device', 'Host devices to add to the container (docker run --device).'),
    boolField('discard', 'Throw the container away when the build ends.'),
    stringListField('cap_add', 'Linux capabilities to add to the container.'),
    stringListField('cap_drop', 'Linux capabilities to drop from the container.'),
    stringField('exec_user', 'User that provisioner commands run as inside the container.'),
    stringField('export_path', 'Export the container\'s filesystem to this tar file when the build ends.'),
    stringField('image', 'Image to start the container from (or a `build` block in today\'s Packer).'),
    stringField('message', 'Commit message recorded on the committed image.'),
    boolField('privileged', 'Run the container in privileged mode.', { default: false }),
    boolField('pty', 'Allocate a pseudo-terminal for the container.'),
    boolField('pull', 'Pull the image before starting the container.', { default: true }),
    stringListField('run_command', 'Arguments to docker run; {{.Image}} stands for the image.'),
    stringListField('tmpfs', 'tmpfs mounts to add to the container.'),
    // runtime and platform arrived after Packer 1.6.6; the Docker builder supports both.
    stringField('runtime', 'Container runtime to use, e.g. runsc (Packer 1.7+).'),
    stringField('platform', 'Platform of the image to pull and run, e.g. linux/arm64 (Packer 1.7+).'),
    stringMapField('volumes', 'Host paths mounted into the container, host path to container path.'),
    boolField('fix_upload_owner', 'Give uploaded files to the container\'s user.', { default: true }),
    boolField('windows_container', 'The image is a Windows container image.', { default: false }),
    boolField('login', 'Log in to a registry before pulling.', { default: false }),
    stringField('login_password', 'Password for the registry login.', { sensitive: true }),
    stringField('login_server', 'Registry server to log in to.'),
    stringField('login_username', 'User for the registry login.'),
    boolField('ecr_login', 'Log in to Amazon ECR with AWS credentials before pulling.', { default: false }),
    stringField('aws_access_key', 'AWS access key for the ECR login.', { sensitive: true }),
    stringField('aws_secret_key', 'AWS secret key for the ECR login.', { sensitive: true }),
    stringField('aws_token', 'AWS session token for the ECR login.', { sensitive: true }),
    stringField('aws_profile', 'AWS shared-credentials profile for the ECR login.'),
  ],
  exactlyOneOf: [['commit', 'discard', 'export_path']],
  // `image` or a `build` block, not both (docker v1.1.4 builder/docker/config.go), the missing case in Packer 1.14's words.
  atLeastOneOf: [['image', 'build']],
  conflicts: [['image', 'build']],
  messages: {
    atLeastOneOf: ["missing 'image' attribute or 'build' section, either needs to be specified for a build to run."],
    conflicts: ['`image` cannot be specified with a build config'],
    enum: COMMUNICATOR_ENUM_MESSAGES,
    exactlyOneOf: [
      {
        none: 'No instructions given for handling the artifact; expected commit, discard, or export_path',
        many: 'Cannot specify more than one of commit, discard, and export_path',
      },
    ],
  },
};

/** Packer exports to a file; an existing folder at export_path is an error. */
const exportPathCheck: Check = (c) => {
  const path = c.string('export_path');
  return c.files && checkablePath(path) && c.files.isDirectory(path) ? [problem('export_path must be a file, not a directory', 'export_path')] : [];
};

export const dockerBuilderChecks: Check[] = [
  communicatorChecks('docker'),
  exportPathCheck,
  (c) => (c.bool('ecr_login') && !c.isSet('login_server') ? [problem('ECR login requires login server to be provided.', 'ecr_login')] : []),
];
