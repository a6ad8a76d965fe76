/** The null builder's configuration: builds nothing, only connects to an existing machine so provisioners can run on it. */
import { problem, type Check } from '../../components/checks';
import type { ComponentSchema } from '../../components/schema';
import { COMMUNICATOR_ENUM_MESSAGES, communicatorChecks, communicatorFields } from '../../communicators/config';

export const nullBuilderSchema: ComponentSchema = {
  kind: 'builder',
  type: 'null',
  description: 'Connects to an existing machine and runs provisioners on it, without creating anything.',
  fields: communicatorFields('ssh'),
  messages: { enum: COMMUNICATOR_ENUM_MESSAGES },
};

/** The null builder needs to know where and as whom to connect, and exactly one way to authenticate. */
const connectionChecks: Check = (c) => {
  const type = c.string('communicator') || 'ssh';
  if (type === 'none' || c.isUnknown('communicator')) return [];
  const winrm = type === 'winrm';
  const out = [];
  if (!c.isSet(winrm ? 'winrm_host' : 'ssh_host')) {
    out.push(problem('a Host must be specified, please reference your communicator documentation'));
  }
  if (!c.isSet(winrm ? 'winrm_username' : 'ssh_username')) {
    out.push(problem('a Username must be specified, please reference your communicator documentation'));
  }
  const agent = c.bool('ssh_agent_auth');
  const password = c.isSet(winrm ? 'winrm_password' : 'ssh_password');
  // ssh_private_key, which templates cannot write, is the key of a bound ssh credential.
  const keyFile = c.isSet('ssh_private_key_file') || c.isSet('ssh_private_key');
  if (!agent && !password && !keyFile) {
    out.push(problem('one authentication method must be specified, please reference your communicator documentation'));
  }
  if ((agent && (c.isSet('ssh_password') || keyFile)) || (c.isSet('ssh_password') && keyFile)) {
    out.push(problem('only one of ssh_agent_auth, ssh_password, and ssh_private_key_file must be specified'));
  }
  return out;
};

export const nullBuilderChecks: Check[] = [communicatorChecks('ssh'), connectionChecks];
