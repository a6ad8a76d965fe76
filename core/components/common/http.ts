/** The small HTTP server a builder runs so the machine can fetch files (e.g. a kickstart) while it installs. */
import { problem, type Check } from '../checks';
import { field, numberField, stringField } from '../fields';
import type { FieldSpec } from '../schema';

export const HTTP_FIELDS: FieldSpec[] = [
  stringField('http_directory', 'Local folder served over HTTP to the machine; {{ .HTTPIP }}:{{ .HTTPPort }} point at it.'),
  numberField('http_port_min', 'Lowest port the HTTP server may listen on.', { default: 8000 }),
  numberField('http_port_max', 'Highest port the HTTP server may listen on.', { default: 9000 }),
  stringField('http_bind_address', 'Address the HTTP server listens on.', { default: '0.0.0.0' }),
  stringField('http_interface', 'Network interface whose address the HTTP server listens on.'),
  // Packer 1.7 added http_content; Bakehouse's users write templates for current Packer, so it is accepted here too.
  field('http_content', { map: 'string' }, 'Files served over HTTP from memory: path → content (e.g. an autoinstall user-data from templatefile()).'),
];

export const httpChecks: Check = (c) => {
  const out = [];
  const min = c.number('http_port_min') ?? 8000;
  const max = c.number('http_port_max') ?? 9000;
  if (min > max) out.push(problem('http_port_min must be less than http_port_max', 'http_port_min'));
  if (c.isSet('http_content') && c.isSet('http_directory')) {
    out.push(problem('http_content and http_directory cannot both be set', 'http_content'));
  }
  const address = c.string('http_bind_address') || '0.0.0.0';
  // Packer 1.6.6 rejects http_interface unless http_bind_address is set to something other than 0.0.0.0.
  if (c.isSet('http_interface') && address === '0.0.0.0') {
    out.push(problem('either http_interface of http_bind_address can be specified', 'http_interface'));
  }
  return out;
};
