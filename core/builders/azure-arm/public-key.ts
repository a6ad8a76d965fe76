/** The authorized_keys line for ssh_private_key_file, which the VM is created trusting (the plugin derives it the same way). */
import { readFileSync } from 'node:fs';
import { utils } from 'ssh2';
import { err, ok, type Result } from '../../common/result';

export function derivedPublicKey(privateKeyFile: string): Result<string> {
  let text: string;
  try {
    text = readFileSync(privateKeyFile, 'utf8');
  } catch (e) {
    return err(`ssh_private_key_file: cannot read ${privateKeyFile}: ${(e as Error).message}`);
  }
  const parsed = utils.parseKey(text);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || key instanceof Error) return err(`ssh_private_key_file: ${privateKeyFile} is not a private key ssh can read`);
  return ok(`${key.type} ${key.getPublicSSH().toString('base64')}`);
}
