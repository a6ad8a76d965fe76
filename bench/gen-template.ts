/**
 * Writes a legacy JSON template with N docker builders × M shell provisioners, the shape the validate benchmark times.
 * Every builder is `docker` on image "debian" with commit true; every provisioner is an inline shell step. Both Packer
 * and Bakehouse validate it offline, so the comparison times template loading and checking, not the network.
 * Run: node --import tsx bench/gen-template.ts N M OUT.json
 */
import { writeFileSync } from 'node:fs';

export interface GeneratedTemplate {
  builders: Array<{ name: string; type: 'docker'; image: string; commit: true; changes: string[] }>;
  provisioners: Array<{ type: 'shell'; inline: string[]; environment_vars: string[] }>;
  variables: Record<string, string>;
}

export function generateTemplate(sources: number, provisioners: number): GeneratedTemplate {
  const builders = Array.from({ length: sources }, (_, i) => ({
    name: `debian-${String(i + 1).padStart(4, '0')}`,
    type: 'docker' as const,
    image: 'debian',
    commit: true as const,
    changes: [`LABEL index=${i + 1}`, 'LABEL version={{user `version`}}'],
  }));
  const steps = Array.from({ length: provisioners }, (_, i) => ({
    type: 'shell' as const,
    environment_vars: [`STEP=${i + 1}`],
    inline: [`echo "step ${i + 1} of ${provisioners}"`, 'test -d /tmp'],
  }));
  return { variables: { version: '1.0.0' }, builders, provisioners: steps };
}

function main(argv: string[]): void {
  const [n, m, out] = argv;
  const sources = Number(n);
  const provisioners = Number(m);
  if (!out || !Number.isInteger(sources) || sources < 1 || !Number.isInteger(provisioners) || provisioners < 0) {
    process.stderr.write('usage: gen-template.ts SOURCES PROVISIONERS OUT.json\n');
    process.exit(2);
  }
  writeFileSync(out, `${JSON.stringify(generateTemplate(sources, provisioners), null, 2)}\n`);
}

if (require.main === module) main(process.argv.slice(2));
