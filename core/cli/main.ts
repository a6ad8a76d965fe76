import { BAKEHOUSE_VERSION } from '../version';

const args = process.argv.slice(2);
if (args[0] === '--version' || args[0] === '-version' || args[0] === 'version') {
  process.stdout.write(`Bakehouse v${BAKEHOUSE_VERSION}\n`);
} else {
  process.stdout.write('Usage: bakehouse <command> [args]\n');
}
