/**
 * Reading a body against a schema, as HCL's Body.Content and Body.PartialContent do. This is the one way
 * the loader should read bodies: it reports unexpected, missing and repeated items with HCL's wording, and
 * it is what lets a JSON-syntax body decide which properties are blocks.
 */
import type { Node } from 'jsonc-parser';
import type { Diagnostic, Range } from '../source';
import { suggest } from '../suggest';
import type { Attribute, Block, Body } from './ast';
import { charRange, jsonAttribute, jsonBody, jsonProperties, jsonSourceOf, nodeRange, type JsonBodySource, type JsonFileContext, type JsonProperty } from './json-syntax';
import { rangeString } from './template';

export interface AttributeSchema {
  name: string;
  required?: boolean;
}

export interface BlockSchema {
  type: string;
  labelNames: string[];
}

export interface BodySchema {
  attributes: AttributeSchema[];
  blocks: BlockSchema[];
}

export interface BodyContent {
  attributes: Record<string, Attribute>;
  blocks: Block[];
  diagnostics: Diagnostic[];
}

export interface PartialBodyContent extends BodyContent {
  /** What the schema did not ask for, to read with another schema. */
  remaining: Body;
}

/** Reads everything in `body`; anything the schema does not name is an error. */
export function content(body: Body, schema: BodySchema): BodyContent {
  const json = jsonSourceOf(body);
  return json ? jsonContent(json, schema) : nativeContent(body, schema);
}

/** Reads what the schema names and hands back the rest as `remaining`, without complaining about it. */
export function partialContent(body: Body, schema: BodySchema): PartialBodyContent {
  const json = jsonSourceOf(body);
  return json ? jsonPartialContent(json, schema) : nativePartialContent(body, schema);
}

function error(summary: string, detail: string, range: Range | undefined): Diagnostic {
  return { severity: 'error', summary, detail, range };
}

function hint(s: string | undefined): string {
  return s ? ` Did you mean "${s}"?` : '';
}

// ---- native syntax ----

function nativeMissingItemRange(body: Body): Range {
  return { filename: body.range.filename, start: body.range.start, end: body.range.start };
}

function nativePartialContent(body: Body, schema: BodySchema): PartialBodyContent {
  const attributes: Record<string, Attribute> = {};
  const blocks: Block[] = [];
  const diagnostics: Diagnostic[] = [];
  const wantedAttrs = new Set(schema.attributes.map((a) => a.name));
  const wantedBlocks = new Map(schema.blocks.map((b) => [b.type, b]));

  for (const attr of body.attributes) {
    if (!wantedAttrs.has(attr.name)) continue;
    const existing = attributes[attr.name];
    if (existing) diagnostics.push(redefined(attr, existing));
    else attributes[attr.name] = attr;
  }
  for (const a of schema.attributes) {
    if (a.required && !attributes[a.name]) {
      diagnostics.push(error('Missing required argument', `The argument "${a.name}" is required, but no definition was found.`, nativeMissingItemRange(body)));
    }
  }
  for (const block of body.blocks) {
    const blockSchema = wantedBlocks.get(block.type);
    if (!blockSchema) continue;
    const labelProblem = checkLabels(block, blockSchema);
    if (labelProblem) diagnostics.push(labelProblem);
    else blocks.push(block);
  }
  const remaining: Body = {
    syntax: 'native',
    attributes: body.attributes.filter((a) => !wantedAttrs.has(a.name)),
    blocks: body.blocks.filter((b) => !wantedBlocks.has(b.type)),
    range: body.range,
  };
  return { attributes, blocks, diagnostics, remaining };
}

function redefined(attr: Attribute, existing: Attribute): Diagnostic {
  return error('Attribute redefined', `The argument "${attr.name}" was already set at ${rangeString(existing.nameRange)}. Each argument may be set only once.`, attr.nameRange);
}

function checkLabels(block: Block, schema: BlockSchema): Diagnostic | undefined {
  const want = schema.labelNames;
  if (block.labels.length > want.length) {
    if (want.length === 0) {
      return error(`Extraneous label for ${block.type}`, `No labels are expected for ${block.type} blocks.`, block.labelRanges[0]);
    }
    return error(`Extraneous label for ${block.type}`, `Only ${want.length} labels (${want.join(', ')}) are expected for ${block.type} blocks.`, block.labelRanges[want.length]);
  }
  if (block.labels.length < want.length) {
    return error(`Missing ${want[block.labels.length]} for ${block.type}`, `All ${block.type} blocks must have ${want.length} labels (${want.join(', ')}).`, block.openBraceRange);
  }
  return undefined;
}

function nativeContent(body: Body, schema: BodySchema): BodyContent {
  const { attributes, blocks, diagnostics, remaining } = nativePartialContent(body, schema);
  const unused = schema.attributes.map((a) => a.name).filter((n) => !attributes[n]);
  const seen = new Map<string, Attribute>();
  for (const attr of remaining.attributes) {
    const existing = seen.get(attr.name);
    if (existing) {
      diagnostics.push(redefined(attr, existing));
      continue;
    }
    seen.set(attr.name, attr);
    let extra = hint(suggest(attr.name, unused));
    if (!extra && schema.blocks.some((b) => b.type === attr.name)) extra = ` Did you mean to define a block of type "${attr.name}"?`;
    diagnostics.push(error('Unsupported argument', `An argument named "${attr.name}" is not expected here.${extra}`, attr.nameRange));
  }
  for (const block of remaining.blocks) {
    let extra = hint(suggest(block.type, schema.blocks.map((b) => b.type)));
    if (!extra && schema.attributes.some((a) => a.name === block.type)) {
      extra = ` Did you mean to define argument "${block.type}"? If so, use the equals sign to assign it a value.`;
    }
    diagnostics.push(error('Unsupported block type', `Blocks of type "${block.type}" are not expected here.${extra}`, block.typeRange));
  }
  return { attributes, blocks, diagnostics };
}

// ---- JSON syntax ----

/** Where HCL points when a JSON body lacks a required argument: the object's closing brace. */
function jsonMissingItemRange(src: JsonBodySource): Range {
  const n = src.node;
  if (n.type === 'object') return charRange(src.file, n.offset + n.length - 1);
  if (n.type === 'array') return charRange(src.file, n.offset);
  return nodeRange(src.file, n);
}

/** The start of a JSON value: its opening brace or bracket, or the whole scalar. */
function startRange(file: JsonFileContext, node: Node): Range {
  return node.type === 'object' || node.type === 'array' ? charRange(file, node.offset) : nodeRange(file, node);
}

/** HCL's collectDeepAttrs: the properties of an object or an array of objects, with errors for anything else. */
function deepProperties(file: JsonFileContext, node: Node, labelName: string | undefined, diagnostics: Diagnostic[]): JsonProperty[] {
  if (node.type === 'array') {
    for (const el of node.children ?? []) {
      if (el.type === 'object') continue;
      diagnostics.push(error('Incorrect JSON value type', labelName
        ? `A JSON object is required here, to specify ${labelName} labels for this block.`
        : 'A JSON object is required here, to define arguments and child blocks.', startRange(file, el)));
    }
  } else if (node.type !== 'object' && node.type !== 'null') {
    diagnostics.push(error('Incorrect JSON value type', labelName
      ? `Either a JSON object or JSON array of objects is required here, to specify ${labelName} labels for this block.`
      : 'Either a JSON object or JSON array of objects is required here, to define arguments and child blocks.', startRange(file, node)));
  }
  return jsonProperties(node);
}

function jsonPartialContent(src: JsonBodySource, schema: BodySchema): PartialBodyContent {
  const { file, node } = src;
  const diagnostics: Diagnostic[] = [];
  const attributes: Record<string, Attribute> = {};
  const blocks: Block[] = [];
  const used = new Set(src.hidden);
  const attrNames = new Set(schema.attributes.map((a) => a.name));
  const blockSchemas = new Map(schema.blocks.map((b) => [b.type, b]));

  for (const prop of deepProperties(file, node, undefined, diagnostics)) {
    if (src.hidden.has(prop.name)) continue;
    if (attrNames.has(prop.name)) {
      const existing = attributes[prop.name];
      if (existing) {
        diagnostics.push(error('Duplicate argument', `The argument "${prop.name}" was already set at ${rangeString(existing.range)}.`, nodeRange(file, prop.key)));
        continue;
      }
      attributes[prop.name] = jsonAttribute(prop, file);
      used.add(prop.name);
    } else {
      const blockSchema = blockSchemas.get(prop.name);
      if (!blockSchema) continue;
      unpackBlock(file, prop.value, blockSchema, nodeRange(file, prop.key), [], [], blocks, diagnostics);
      used.add(prop.name);
    }
  }
  for (const a of schema.attributes) {
    if (a.required && !attributes[a.name]) {
      diagnostics.push(error('Missing required argument', `The argument "${a.name}" is required, but no definition was found.`, jsonMissingItemRange(src)));
    }
  }
  return { attributes, blocks, diagnostics, remaining: jsonBody(node, file, used) };
}

function unpackBlock(
  file: JsonFileContext, value: Node, schema: BlockSchema, typeRange: Range,
  labels: string[], labelRanges: Range[], blocks: Block[], diagnostics: Diagnostic[],
): void {
  const depth = labels.length;
  if (depth < schema.labelNames.length) {
    const labelName = schema.labelNames[depth];
    const props = deepProperties(file, value, labelName, diagnostics);
    if (props.length === 0) {
      diagnostics.push(error('Missing block label', `At least one object property is required, whose name represents the ${schema.type} block's ${labelName}.`, startRange(file, value)));
      return;
    }
    for (const p of props) {
      unpackBlock(file, p.value, schema, typeRange, [...labels, p.name], [...labelRanges, nodeRange(file, p.key)], blocks, diagnostics);
    }
    return;
  }
  const make = (bodyNode: Node): Block => {
    const end = nodeRange(file, bodyNode);
    const isContainer = bodyNode.type === 'object' || bodyNode.type === 'array';
    return {
      type: schema.type,
      typeRange,
      labels: [...labels],
      labelRanges: [...labelRanges],
      body: jsonBody(bodyNode, file, new Set()),
      range: { filename: file.filename, start: typeRange.start, end: end.end },
      openBraceRange: startRange(file, bodyNode),
      closeBraceRange: isContainer ? charRange(file, bodyNode.offset + bodyNode.length - 1) : end,
    };
  };
  if (value.type === 'null') return;
  if (value.type === 'object') {
    blocks.push(make(value));
  } else if (value.type === 'array') {
    for (const el of value.children ?? []) blocks.push(make(el));
  } else {
    diagnostics.push(error('Incorrect JSON value type', `Either a JSON object or a JSON array is required, representing the contents of one or more "${schema.type}" blocks.`, startRange(file, value)));
  }
}

function jsonContent(src: JsonBodySource, schema: BodySchema): BodyContent {
  const { attributes, blocks, diagnostics, remaining } = jsonPartialContent(src, schema);
  const rest = jsonSourceOf(remaining);
  const hidden = rest ? rest.hidden : new Set<string>();
  const suggestions = [...schema.attributes.map((a) => a.name).filter((n) => !hidden.has(n)), ...schema.blocks.map((b) => b.type)];
  for (const prop of jsonProperties(src.node)) {
    if (prop.name === '//' || hidden.has(prop.name)) continue;
    diagnostics.push(error('Extraneous JSON object property', `No argument or block type is named "${prop.name}".${hint(suggest(prop.name, suggestions))}`, nodeRange(src.file, prop.key)));
  }
  return { attributes, blocks, diagnostics };
}
