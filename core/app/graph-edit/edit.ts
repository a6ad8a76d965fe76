/**
 * Graph actions as text edits, one interface over both syntaxes: the renderer sends what the user did (add, remove or
 * move a provisioner, set a field, chain or split post-processors) and gets back the one edit that does it, computed
 * from the real parsers (core/template/hcl for HCL, jsonc-parser for legacy JSON). The renderer never reads the syntax.
 */
import type { GraphEdit } from '../../contract/methods';
import { ok } from '../../common/result';
import { failure, type Result } from '../../contract/result';
import type { FileEdit, Range, TemplateFileText, TextEdit, WrittenAttribute, WrittenAttributes } from '../../contract/types';
import * as hcl from './hcl';
import * as json from './json';

/** One syntax's edits; each answers undefined when the text does not hold what the edit needs. */
interface SyntaxEditor {
  syntax: WrittenAttributes['syntax'];
  insertProvisionerAfter(text: string, after: Range, type: string): TextEdit | undefined;
  /** As the last provisioner of the file's (first) build; undefined when the file has nowhere to put one. */
  insertFirstProvisioner(text: string, filename: string, type: string): TextEdit | undefined;
  remove(text: string, node: Range): TextEdit | undefined;
  swap(text: string, first: Range, second: Range): TextEdit | undefined;
  /** `value` as the syntax writes it; undefined removes the attribute. */
  setAttribute(text: string, node: Range, name: string, value: string | undefined): Result<TextEdit | undefined>;
  chain(text: string, from: Range, to: Range): TextEdit | undefined;
  split(text: string, from: Range, to: Range): TextEdit | undefined;
  attributes(text: string, node: Range): WrittenAttribute[] | undefined;
}

const hclEditor: SyntaxEditor = {
  syntax: 'hcl',
  insertProvisionerAfter: (text, after, type) => hcl.insertBlockAfter(text, after, hcl.provisionerBlock(type)),
  insertFirstProvisioner: (text, filename, type) => hcl.insertBlockInBuild(text, filename, hcl.provisionerBlock(type)),
  remove: hcl.deleteBlock,
  swap: hcl.swapBlocks,
  setAttribute: (text, node, name, value) => ok(value === undefined ? hcl.removeAttribute(text, node, name) : hcl.replaceAttributeValue(text, node, name, value)),
  chain: hcl.chainPostProcessor,
  split: hcl.splitPostProcessorChain,
  attributes: hcl.blockAttributes,
};

const jsonEditor: SyntaxEditor = {
  syntax: 'json',
  insertProvisionerAfter: (text, after, type) => json.insertJsonProvisioner(text, after, json.provisionerObject(type)),
  insertFirstProvisioner: (text, _filename, type) => json.insertJsonProvisioner(text, undefined, json.provisionerObject(type)),
  remove: json.deleteJsonObject,
  swap: json.swapJsonObjects,
  setAttribute: (text, node, name, value) => {
    if (value === undefined) return ok(json.setJsonAttribute(text, node, name, undefined));
    try {
      return ok(json.setJsonAttribute(text, node, name, JSON.parse(value) as unknown));
    } catch {
      return failure('invalid-input', `The value for ${name} is not JSON: ${value}`, 'edit.value');
    }
  },
  chain: json.chainJsonPostProcessor,
  split: json.splitJsonPostProcessorChain,
  attributes: json.jsonAttributes,
};

/** The editor for a file, or why there is none: HCL's JSON syntax (`*.pkr.json`) is edited in the text. */
function editorFor(filename: string): Result<SyntaxEditor> {
  if (filename.endsWith('.pkr.json')) return failure('template', "Templates in HCL's JSON syntax (.pkr.json) are edited in the text.");
  if (filename.endsWith('.json')) return ok(jsonEditor);
  if (filename.endsWith('.hcl')) return ok(hclEditor);
  return failure('template', `${filename} is edited in the text: the graph edits HCL and legacy JSON templates.`);
}

const notInText = (what: string, r: Range) => failure('template', `The ${what} at ${r.filename}:${r.start.line} is not in the text as written now; edit it in the text.`);

/** The one edit of one file that does `edit`, or why it cannot be done. */
export function editTemplate(files: readonly TemplateFileText[], edit: GraphEdit): Result<FileEdit> {
  const textOf = (filename: string) => files.find((f) => f.filename === filename)?.text;
  const inFile = (range: Range, what: string, make: (e: SyntaxEditor, text: string) => Result<TextEdit | undefined>, otherwise = () => notInText(what, range)): Result<FileEdit> => {
    const text = textOf(range.filename);
    if (text === undefined) return failure('not-found', `${range.filename} is not a file of this template.`, 'edit');
    const editor = editorFor(range.filename);
    if (!editor.ok) return editor;
    const made = make(editor.value, text);
    if (!made.ok) return made;
    return made.value ? ok({ filename: range.filename, edit: made.value }) : otherwise();
  };
  const sameFile = (a: Range, b: Range, why: string): Result<void> => (a.filename === b.filename ? ok() : failure('template', why));

  switch (edit.kind) {
    case 'add-provisioner': {
      if (edit.after) return inFile(edit.after, 'provisioner', (e, text) => ok(e.insertProvisionerAfter(text, edit.after!, edit.type)));
      for (const f of files) {
        const editor = editorFor(f.filename);
        const made = editor.ok ? editor.value.insertFirstProvisioner(f.text, f.filename, edit.type) : undefined;
        if (made) return ok({ filename: f.filename, edit: made });
      }
      return failure('template', 'Add a build block first: provisioners live inside one.');
    }
    case 'remove':
      return inFile(edit.node, 'block', (e, text) => ok(e.remove(text, edit.node)));
    case 'swap': {
      const same = sameFile(edit.first, edit.second, 'Only blocks written in the same file can swap places.');
      return same.ok ? inFile(edit.second, 'block', (e, text) => ok(e.swap(text, edit.first, edit.second))) : same;
    }
    case 'set-attribute':
      return inFile(edit.node, 'block', (e, text) => e.setAttribute(text, edit.node, edit.name, edit.value), () =>
        failure('template', `${edit.name} is written with something else on its line (a comment?): edit it in the text.`),
      );
    case 'chain-post-processor': {
      const same = sameFile(edit.from, edit.to, 'Only post-processors written in the same file can be chained.');
      if (!same.ok) return same;
      return inFile(edit.from, 'post-processor', (e, text) => ok(e.chain(text, edit.from, edit.to)), () =>
        failure('template', 'That post-processor cannot be chained after this one (another build, or already there).'),
      );
    }
    case 'split-post-processors': {
      const same = sameFile(edit.from, edit.to, 'Only post-processors written in the same file can be chained.');
      if (!same.ok) return same;
      return inFile(edit.from, 'post-processor', (e, text) => ok(e.split(text, edit.from, edit.to)), () =>
        failure('template', 'These post-processors are not next to each other in one chain.'),
      );
    }
  }
}

/** The attributes written in the block (or object) at `range`, for the node's form; null when there is none to edit. */
export function writtenAttributes(filename: string, text: string, range: Range): WrittenAttributes | null {
  const editor = editorFor(filename);
  if (!editor.ok) return null;
  const attributes = editor.value.attributes(text, range);
  return attributes ? { syntax: editor.value.syntax, attributes } : null;
}
