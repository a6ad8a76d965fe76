/** The shell-local provisioner's configuration: runs commands on the machine running Packer, during provisioning. */
import { SHELL_LOCAL_CHECKS, shellLocalSchema } from '../../components/common/shell-local';

export const shellLocalProvisionerSchema = shellLocalSchema(
  'provisioner',
  'Runs commands or scripts on the machine running Packer, in the middle of provisioning.',
);

export const shellLocalProvisionerChecks = SHELL_LOCAL_CHECKS;
