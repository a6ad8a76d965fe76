/** The docker-push post-processor's configuration: pushes the tagged Docker image to a registry. */
import { problem, type Check } from '../../components/checks';
import { boolField, stringField } from '../../components/fields';
import type { ComponentSchema } from '../../components/schema';

export const dockerPushPostProcessorSchema: ComponentSchema = {
  kind: 'post-processor',
  type: 'docker-push',
  description: 'Pushes the Docker image produced by the build to a registry.',
  fields: [
    boolField('login', 'Log in to the registry before pushing.', { default: false }),
    stringField('login_username', 'User for the registry login.'),
    stringField('login_password', 'Password for the registry login.', { sensitive: true }),
    stringField('login_server', 'Registry server to log in to.'),
    boolField('ecr_login', 'Log in to Amazon ECR with AWS credentials before pushing.', { default: false }),
    stringField('aws_access_key', 'AWS access key for the ECR login.', { sensitive: true }),
    stringField('aws_secret_key', 'AWS secret key for the ECR login.', { sensitive: true }),
    stringField('aws_token', 'AWS session token for the ECR login.', { sensitive: true }),
    stringField('aws_profile', 'AWS shared-credentials profile for the ECR login.'),
  ],
};

const ecrCheck: Check = (c) =>
  c.bool('ecr_login') && !c.isSet('login_server') ? [problem('ECR login requires login server to be provided.', 'ecr_login')] : [];

export const dockerPushPostProcessorChecks: Check[] = [ecrCheck];
