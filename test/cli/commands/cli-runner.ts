/** Runs the whole `bakehouse` CLI in a real process from source (as bin/bakehouse.js does from the bundle), for tests and bench. */
import { main } from '../../../core/cli/main';

main();
