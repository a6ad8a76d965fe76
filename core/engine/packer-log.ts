/** PACKER_LOG as Packer reads it: set, and neither empty nor "0". It turns on the detail Packer keeps for its debug log. */
export function packerLogEnabled(env: Record<string, string | undefined>): boolean {
  const v = env.PACKER_LOG;
  return v !== undefined && v !== '' && v !== '0';
}
