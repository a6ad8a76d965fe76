/** Host ports forwarded to the machine's SSH or WinRM port when it sits behind the hypervisor's NAT. */
import { problem, type Check } from '../checks';
import { boolField, numberField } from '../fields';
import type { FieldSpec } from '../schema';

export const PORT_FORWARDING_FIELDS: FieldSpec[] = [
  numberField('host_port_min', 'Lowest host port forwarded to the communicator port.', { default: 2222 }),
  numberField('host_port_max', 'Highest host port forwarded to the communicator port.', { default: 4444 }),
  boolField('skip_nat_mapping', 'Do not set up port forwarding; connect to the machine directly.', { default: false }),
  numberField('ssh_host_port_min', 'Older name for host_port_min.', { deprecated: 'Use host_port_min.' }),
  numberField('ssh_host_port_max', 'Older name for host_port_max.', { deprecated: 'Use host_port_max.' }),
];

export const portForwardingChecks: Check = (c) => {
  const min = c.number('host_port_min') ?? c.number('ssh_host_port_min') ?? 2222;
  const max = c.number('host_port_max') ?? c.number('ssh_host_port_max') ?? 4444;
  return min > max ? [problem('host_port_min must be less than host_port_max', 'host_port_min')] : [];
};
