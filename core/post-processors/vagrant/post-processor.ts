/**
 * vagrant: packages a build's artifact as a Vagrant box for the provider matching its builder (or provider_override),
 * with per-provider overrides of the box settings. The input artifact is not kept: the box replaces it.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { err, ok, type Result } from '../../common/result';
import type { Artifact } from '../../engine/artifact';
import { ConfigFields } from '../../engine/config-fields';
import { fillPlaceholders } from '../../engine/placeholders';
import type { PostProcessorPlugin } from '../../engine/plugin';
import type { Plain } from '../../template/values/value';
import { linkOrCopy, writeBox, writeDummyBox } from './box';
import { VAGRANT_PROVIDERS } from './config';
import { PROVIDER_BY_BUILDER, PROVIDERS } from './providers';
import { boxVagrantfile } from './vagrantfile';

export const VAGRANT_BUILDER_ID = 'mitchellh.post-processor.vagrant';
const ARTIFICE_ID = 'packer.post-processor.artifice';
const DEFAULT_OUTPUT = 'packer_{{ .BuildName }}_{{.Provider}}.box';

/** The settings one box is made with: the post-processor's, with the provider's `override` applied. */
export interface BoxSettings {
  compressionLevel: number;
  include: string[];
  output: string;
  vagrantfileTemplate: string;
}

export const vagrantPostProcessor: PostProcessorPlugin = {
  type: 'vagrant',
  prepare(config, build) {
    const f = new ConfigFields(config, 'vagrant');
    // Unset means gzip's default level; 0 written explicitly means no compression at all.
    const base: BoxSettings = {
      compressionLevel: f.has('compression_level') ? f.number('compression_level') : -1,
      include: f.stringList('include'),
      output: f.string('output') || DEFAULT_OUTPUT,
      vagrantfileTemplate: f.string('vagrantfile_template'),
    };
    const generatedTemplate = f.bool('vagrantfile_template_generated');
    const providerOverride = f.string('provider_override');
    const overrides = f.object('override') ?? {};
    if (base.vagrantfileTemplate !== '' && !generatedTemplate && !existsSync(resolve(build.cwd, base.vagrantfileTemplate))) {
      f.error(`vagrantfile_template '${base.vagrantfileTemplate}' does not exist`);
    }
    if (providerOverride !== '' && !VAGRANT_PROVIDERS.includes(providerOverride)) {
      f.error(`The given provider_override ${providerOverride} is not valid. Please choose from one of ${VAGRANT_PROVIDERS.join(', ')}`);
    }
    if (f.errors.length > 0) return err(f.errors);
    return {
      ok: true,
      value: {
        async postProcess({ ui, build: info, signal, generated }, input) {
          const name = providerOverride || PROVIDER_BY_BUILDER[input.builderId];
          if (!name) return err(`Unknown artifact type, can't build box: ${input.builderId}`);
          const provider = PROVIDERS[name];
          if (!provider) {
            if (input.builderId === ARTIFICE_ID && !providerOverride) {
              return err('Unknown provider type: When using an artifact created by the artifice post-processor, you need to set the provider_override option.');
            }
            return err(`The ${name} provider is not supported by Bakehouse's vagrant post-processor yet; it can make libvirt, virtualbox and docker boxes`);
          }
          const settings = withOverride(base, overrides[name]);
          if (!settings.ok) return settings;
          const s = settings.value;
          if (!Number.isInteger(s.compressionLevel) || s.compressionLevel < -1 || s.compressionLevel > 9) {
            return err('Invalid compression level. Expected an integer from -1 to 9.');
          }
          ui.say('Creating a dummy Vagrant box to ensure the host system can create one correctly');
          try {
            await writeDummyBox(s.compressionLevel, signal);
          } catch (e) {
            return err((e as Error).message);
          }
          ui.say(`Creating Vagrant box for '${name}' provider`);
          const data: Record<string, string> = { ...generated, ...generatedData(input), ArtifactId: input.id, BuildName: info.name, Provider: name };
          const output = fillPlaceholders(s.output, data);
          const dir = mkdtempSync(join(tmpdir(), 'bakehouse-vagrant-'));
          try {
            for (const src of s.include) {
              ui.message(`Copying from include: ${src}`);
              try {
                linkOrCopy(resolve(info.cwd, src), join(dir, basename(src)));
              } catch (e) {
                return err(`Error copying include file: ${src}\n\n${(e as Error).message}`);
              }
            }
            const made = await provider({ ui, artifact: input, dir, cwd: info.cwd, signal });
            if (!made.ok) return made;
            // An included metadata.json wins over the provider's, as in Packer.
            const metadataPath = join(dir, 'metadata.json');
            if (!existsSync(metadataPath)) writeFileSync(metadataPath, `${goJson(made.value.metadata)}\n`);
            let custom = '';
            if (s.vagrantfileTemplate !== '') {
              ui.message(`Using custom Vagrantfile: ${s.vagrantfileTemplate}`);
              custom = fillPlaceholders(readFileSync(resolve(info.cwd, s.vagrantfileTemplate), 'utf8'), data);
            }
            writeFileSync(join(dir, 'Vagrantfile'), boxVagrantfile(made.value.vagrantfile, custom));
            await writeBox(dir, resolve(info.cwd, output), s.compressionLevel, signal, (n) => ui.message(`Compressing: ${n}`));
          } catch (e) {
            return err((e as Error).message);
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
          return ok({ artifact: boxArtifact(name, output, info.cwd), keep: false, forceOverride: true });
        },
      },
    };
  },
};

export function boxArtifact(provider: string, path: string, cwd: string): Artifact {
  return {
    id: provider,
    builderId: VAGRANT_BUILDER_ID,
    files: [path],
    text: `'${provider}' provider box: ${path}`,
    state: {},
    destroy: () => rm(resolve(cwd, path), { force: true }),
  };
}

/** Applies `override.<provider>`: the same settings, written for that provider only. */
function withOverride(base: BoxSettings, raw: Plain | undefined): Result<BoxSettings> {
  if (raw === undefined || raw === null) return ok(base);
  if (typeof raw !== 'object' || Array.isArray(raw)) return err('Error overriding config: an override must be a map of settings');
  const s = { ...base };
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'compression_level' && (typeof value === 'number' || (typeof value === 'string' && /^-?\d+$/.test(value)))) s.compressionLevel = Number(value);
    else if (key === 'output' && typeof value === 'string') s.output = value;
    else if (key === 'vagrantfile_template' && typeof value === 'string') s.vagrantfileTemplate = value;
    else if (key === 'include' && Array.isArray(value) && value.every((v) => typeof v === 'string')) s.include = value as string[];
    else if (!['compression_level', 'output', 'vagrantfile_template', 'include'].includes(key)) continue;
    else return err(`Error overriding config: ${key} has the wrong type`);
  }
  return ok(s);
}

/** The builder's generated data the artifact carries (`generated_data`), as template data. */
function generatedData(a: Artifact): Record<string, string> {
  const raw = a.state.generated_data;
  if (typeof raw !== 'object' || raw === null) return {};
  return Object.fromEntries(Object.entries(raw as Record<string, unknown>).filter(([, v]) => typeof v === 'string') as [string, string][]);
}

/** Go's encoding/json for a map: keys sorted, no spaces. */
function goJson(value: Record<string, unknown>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}
