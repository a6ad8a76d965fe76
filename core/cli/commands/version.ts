import { BAKEHOUSE_VERSION, PACKER_COMPAT_VERSION } from '../../version';
import type { Command } from '../command';

export const versionCommand: Command = {
  name: 'version',
  synopsis: 'Prints the Bakehouse version and the Packer version it follows',
  usage: '',
  flags: [],
  async run(_args, io) {
    io.stdout(`Bakehouse v${BAKEHOUSE_VERSION} (compatible with Packer v${PACKER_COMPAT_VERSION} templates)\n`);
    return 0;
  },
};
