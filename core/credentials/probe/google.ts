/** google: not tested yet (issue 11 asks for the JWT-bearer token exchange against the key file's token_uri). */
import type { Credential } from '../vault';
import type { ProbeOptions, ProbeOutcome } from './outcome';

export async function probeGoogle(_credential: Credential, _opts: ProbeOptions): Promise<ProbeOutcome> {
  return { ok: false, message: 'testing google credentials is not implemented yet' };
}
