/** The shell-local post-processor's configuration: runs commands on the machine running Packer, after the build. */
import { SHELL_LOCAL_CHECKS, shellLocalSchema } from '../../components/common/shell-local';

export const shellLocalPostProcessorSchema = shellLocalSchema(
  'post-processor',
  'Runs commands or scripts on the machine running Packer once the artifact exists.',
);

export const shellLocalPostProcessorChecks = SHELL_LOCAL_CHECKS;
