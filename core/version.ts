import pkg from '../package.json';

/** Bakehouse's own version: package.json is the one place it is written. */
export const BAKEHOUSE_VERSION: string = pkg.version;
/**
 * The Packer version whose templates and behaviour Bakehouse follows (`packer.version`, `required_version`,
 * `min_packer_version`): today's Packer, the reference the template corpus is recorded from (test/fixtures/packer-1.14/).
 */
export const PACKER_COMPAT_VERSION = '1.14.3';
