/**
 * What the history keeps of a run's inputs, from the loaded template: the files' hash and the variables in effect, a
 * sensitive one's value never written (its value reads `<sensitive>`, and every other value is masked with the run's
 * secrets too, in case a bound secret was typed into a plain variable).
 */
import { createHash } from 'node:crypto';
import type { HistoryInputs, HistoryVariable } from '../contract/types';
import { createMasker } from '../engine/mask';
import type { LoadResult, PlannedBuild } from '../template/model';
import { formatValue } from '../template/values/format';

/** SHA-256 over the template's files, each as its name and text, in name order. */
export function templateHash(sources: Record<string, string>): string {
  const hash = createHash('sha256');
  for (const name of Object.keys(sources).sort()) hash.update(`${name}\0${sources[name]}\0`);
  return hash.digest('hex');
}

/** A place in the template's files. */
export interface TemplatePlace {
  file: string;
  line: number;
  column: number;
}

/** Where one build's parts are written: its source, each provisioner and each post-processor (chains one after another). */
export interface BuildPlaces {
  source: TemplatePlace;
  provisioners: TemplatePlace[];
  postProcessors: TemplatePlace[];
}

/** Each planned build's places, by build name: what a failed run's error line is found from. */
export type RunPlaces = Record<string, BuildPlaces>;

export function recordedPlaces(builds: readonly PlannedBuild[]): RunPlaces {
  const at = (r: { filename: string; start: { line: number; column: number } }): TemplatePlace => ({ file: r.filename, line: r.start.line, column: r.start.column });
  return Object.fromEntries(
    builds.map((b) => [
      b.name,
      { source: at(b.builder.range ?? b.range), provisioners: b.provisioners.map((p) => at(p.range)), postProcessors: b.postProcessors.flat().map((p) => at(p.range)) },
    ]),
  );
}

/** The template's files as the history keeps them: a sensitive variable's default written in them is masked too. */
export function recordedTemplate(loaded: LoadResult, secrets: readonly string[]): Record<string, string> {
  const masker = createMasker(secrets);
  return Object.fromEntries(Object.entries(loaded.sources).map(([name, text]) => [name, masker.text(text)]));
}

export function recordedVariables(loaded: LoadResult, secrets: readonly string[]): HistoryVariable[] {
  const masker = createMasker(secrets);
  return (loaded.model?.variables ?? []).map((v) => {
    const sensitive = v.sensitive || v.value.sensitive === true;
    return { name: v.name, value: sensitive ? '<sensitive>' : masker.text(formatValue(v.value)), sensitive, source: v.valueSource };
  });
}

/** The run's request, for running it again: typed values of sensitive variables, or holding a secret, are left out. */
export function recordedInputs(
  request: { only?: string[]; except?: string[]; onError?: HistoryInputs['onError']; vars?: Array<[string, string]> },
  variables: readonly HistoryVariable[],
  secrets: readonly string[],
): HistoryInputs {
  const sensitive = new Set(variables.filter((v) => v.sensitive).map((v) => v.name));
  const masker = createMasker(secrets);
  const inputs: HistoryInputs = {
    only: request.only ?? [],
    except: request.except ?? [],
    vars: (request.vars ?? []).filter(([name, value]) => !sensitive.has(name) && masker.text(value) === value),
  };
  if (request.onError) inputs.onError = request.onError;
  return inputs;
}
