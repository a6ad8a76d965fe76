import pkg from '../package.json';

/** Bakehouse's own version: package.json is the one place it is written. */
export const BAKEHOUSE_VERSION: string = pkg.version;
/** The Packer version whose templates and behaviour Bakehouse follows (`packer.version`, `required_version`). */
export const PACKER_COMPAT_VERSION = '1.6.6';
