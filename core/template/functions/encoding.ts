/** Encoding functions: base64, CSV, JSON, URL and YAML. */
import { T_DYNAMIC, T_STRING } from '../values/type';
import { list, str, type Value } from '../values/value';
import { asString } from './access';
import { FunctionError, type FunctionDef } from './define';
import { jsonText, parseJson } from './json';
import { yamlDecode, yamlEncode } from './yaml';

const p = (name: string, type = T_STRING, allowNull = false) => ({ name, type, allowNull });

/** Go's url.QueryEscape: letters, digits and -_.~ stay, spaces become +, everything else %XX. */
function queryEscape(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

function base64Decode(s: string): string {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) {
    throw new FunctionError(`failed to decode base64 data '${s}'`);
  }
  const bytes = Buffer.from(s, 'base64');
  const text = bytes.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(bytes)) {
    throw new FunctionError('the result of decoding the the provided string is not valid UTF-8');
  }
  return text;
}

/** RFC 4180 records, with Go's encoding/csv messages. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let i = 0;
  let atFieldStart = true;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') {
        quoted = false;
        i++;
        continue;
      }
      if (c === '\n') line++;
      field += c;
      i++;
      continue;
    }
    if (c === '"' && atFieldStart) {
      quoted = true;
      atFieldStart = false;
      i++;
      continue;
    }
    if (c === ',') {
      row.push(field);
      field = '';
      atFieldStart = true;
      i++;
      continue;
    }
    if (c === '\r' && text[i + 1] === '\n') {
      i++;
      continue;
    }
    if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      atFieldStart = true;
      line++;
      i++;
      continue;
    }
    if (c === '"') throw new FunctionError(`parse error on line ${line}, column ${i + 1}: bare " in non-quoted-field`);
    field += c;
    atFieldStart = false;
    i++;
  }
  if (quoted) throw new FunctionError(`parse error on line ${line}: extraneous or missing " in quoted-field`);
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

export const encodingFunctions: FunctionDef[] = [
  {
    name: 'base64encode',
    signature: 'base64encode(str)',
    description: 'Applies Base64 encoding to a string.',
    params: [p('str')],
    returns: T_STRING,
    call: ([s]) => str(Buffer.from(asString(s), 'utf8').toString('base64')),
  },
  {
    name: 'base64decode',
    signature: 'base64decode(str)',
    description: 'Takes a string containing a Base64 character sequence and returns the original string.',
    params: [p('str')],
    returns: T_STRING,
    call: ([s]) => str(base64Decode(asString(s))),
  },
  {
    name: 'csvdecode',
    signature: 'csvdecode(str)',
    description: 'Decodes a string containing CSV-formatted data and produces a list of maps representing that data.',
    params: [p('str')],
    call: ([s]) => {
      const rows = parseCsv(asString(s));
      if (rows.length === 0) throw new FunctionError('missing header line');
      const [header, ...data] = rows;
      const dup = header.find((h, i) => header.indexOf(h) !== i);
      if (dup !== undefined) throw new FunctionError(`duplicate column name ${JSON.stringify(dup)}`);
      const attrs = Object.fromEntries(header.map((h) => [h, T_STRING]));
      const objects: Value[] = data.map((r, i) => {
        if (r.length !== header.length) throw new FunctionError(`record on line ${i + 2}: wrong number of fields`);
        return { kind: 'object', attrs: Object.fromEntries(header.map((h, k) => [h, str(r[k])])) };
      });
      return list({ kind: 'object', attributes: attrs }, objects);
    },
  },
  {
    name: 'jsonencode',
    signature: 'jsonencode(val)',
    description: 'Encodes a given value to a string using JSON syntax.',
    params: [p('val', T_DYNAMIC)],
    returns: T_STRING,
    call: ([v]) => str(jsonText(v)),
  },
  {
    name: 'jsondecode',
    signature: 'jsondecode(str)',
    description: 'Interprets a given string as JSON, returning a representation of the result of decoding that string.',
    params: [p('str')],
    call: ([s]) => parseJson(asString(s)),
  },
  {
    name: 'urlencode',
    signature: 'urlencode(str)',
    description: 'Applies URL encoding to a given string.',
    params: [p('str')],
    returns: T_STRING,
    call: ([s]) => str(queryEscape(asString(s))),
  },
  {
    name: 'yamlencode',
    signature: 'yamlencode(value)',
    description: 'Encodes a given value to a string using YAML 1.2 block syntax.',
    params: [p('value', T_DYNAMIC, true)],
    returns: T_STRING,
    call: ([v]) => str(yamlEncode(v)),
  },
  {
    name: 'yamldecode',
    signature: 'yamldecode(src)',
    description: 'Parses a string as a subset of YAML, and produces a representation of its value.',
    params: [p('src')],
    call: ([s]) => yamlDecode(asString(s)),
  },
  {
    name: 'textencodebase64',
    signature: 'textencodebase64(string, encoding_name)',
    description: 'Encodes the unicode characters in a string using a specified character encoding, returning the result base64 encoded.',
    params: [p('string'), p('encoding_name')],
    returns: T_STRING,
    since: 'terraform 0.14',
    call: ([s, e]) => str(Buffer.from(asString(s), textEncoding(asString(e), 1)).toString('base64')),
  },
  {
    name: 'textdecodebase64',
    signature: 'textdecodebase64(source, encoding_name)',
    description: 'Decodes a string that was previously Base64-encoded, and then interprets the result as characters in a specified character encoding.',
    params: [p('source'), p('encoding_name')],
    returns: T_STRING,
    since: 'terraform 0.14',
    call: ([s, e]) => str(Buffer.from(asString(s), 'base64').toString(textEncoding(asString(e), 1))),
  },
];

function textEncoding(name: string, argIndex: number): BufferEncoding {
  const n = name.toUpperCase().replace(/[-_]/g, '');
  if (n === 'UTF8') return 'utf8';
  if (n === 'UTF16LE') return 'utf16le';
  if (n === 'ISO88591' || n === 'LATIN1') return 'latin1';
  throw new FunctionError(`"${name}" is not a supported IANA encoding name or alias in Bakehouse`, argIndex);
}
