/**
 * Fills the Go-template placeholders Packer leaves for plugins to resolve at build time, such as `{{.Vars}}` in
 * `execute_command` or `{{.BuildName}}` in a checksum output path. Unknown placeholders are left as written.
 */
export function fillPlaceholders(text: string, data: Readonly<Record<string, string>>): string {
  return text.replace(/\{\{-?\s*(\.?)([A-Za-z_][A-Za-z0-9_]*)\s*-?\}\}/g, (whole, dot: string, name: string) => {
    if (dot === '.' && Object.prototype.hasOwnProperty.call(data, name)) return data[name];
    if (dot === '' && name === 'build_name' && 'BuildName' in data) return data.BuildName;
    if (dot === '' && name === 'build_type' && 'BuilderType' in data) return data.BuilderType;
    return whole;
  });
}
