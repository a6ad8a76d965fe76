/** Bakehouse's own version. */
export const BAKEHOUSE_VERSION = '0.1.0';
/** The Packer version whose templates and behaviour Bakehouse follows (`packer.version`, `required_version`). */
export const PACKER_COMPAT_VERSION = '1.6.6';
