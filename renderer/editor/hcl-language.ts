/**
 * HCL2 in Monaco: a Monarch tokenizer for colours, and completion, hover, go-to-definition and formatting asked of the
 * host through the contract, always with every file of the template so cross-file references resolve.
 */
import type { ContractApi } from '../../core/contract/methods';
import type { CompletionItem } from '../../core/contract/types';
import type { monaco as Monaco } from './monaco';

export const HCL = 'hcl2';

/** The template as the host needs it for a language request. */
export type TemplateTexts = () => { root: string; files: Array<{ filename: string; text: string }> } | undefined;

export const monarch = {
  defaultToken: '',
  keywords: ['true', 'false', 'null', 'for', 'in', 'if', 'else', 'endif', 'endfor'],
  blocks: ['packer', 'source', 'build', 'variable', 'variables', 'locals', 'local', 'provisioner', 'post-processor', 'post-processors', 'data', 'required_plugins', 'dynamic', 'content', 'hcp_packer_registry', 'error-cleanup-provisioner'],
  operators: ['=', '==', '!=', '<', '>', '<=', '>=', '&&', '||', '!', '+', '-', '*', '/', '%', '?', ':', '=>', '...'],
  symbols: /[=><!~?:&|+\-*/^%.]+/,
  tokenizer: {
    root: [
      [/^\s*[A-Za-z_][\w-]*(?=\s*(?:"[^"]*"\s*)*\{)/, { cases: { '@blocks': 'keyword.block', '@default': 'type.block' } }],
      [/[A-Za-z_][\w-]*(?=\s*=(?!=))/, 'variable.attribute'],
      [/[A-Za-z_][\w-]*(?=\()/, 'support.function'],
      [/(var|local|source|build|path|self|count|each|data)(?=\.)/, 'variable.predefined'],
      [/[A-Za-z_][\w-]*/, { cases: { '@keywords': 'keyword', '@default': 'identifier' } }],
      { include: '@whitespace' },
      [/<<-?\s*([A-Za-z_]\w*)\s*$/, { token: 'string.heredoc', next: '@heredoc.$1' }],
      [/"/, { token: 'string.quote', next: '@string' }],
      [/\d+(\.\d+)?([eE][+-]?\d+)?/, 'number'],
      [/[{}()[\]]/, '@brackets'],
      [/@symbols/, { cases: { '@operators': 'operator', '@default': '' } }],
      [/[,]/, 'delimiter'],
    ],
    whitespace: [
      [/[ \t\r\n]+/, ''],
      [/\/\*/, 'comment', '@comment'],
      [/(#|\/\/).*$/, 'comment'],
    ],
    comment: [
      [/[^/*]+/, 'comment'],
      [/\*\//, 'comment', '@pop'],
      [/[/*]/, 'comment'],
    ],
    string: [
      [/\$\{/, { token: 'delimiter.interpolation', next: '@interpolation' }],
      [/%\{/, { token: 'delimiter.interpolation', next: '@interpolation' }],
      [/[^\\"$%]+/, 'string'],
      [/\\./, 'string.escape'],
      [/"/, { token: 'string.quote', next: '@pop' }],
      [/[$%]/, 'string'],
    ],
    interpolation: [
      [/\}/, { token: 'delimiter.interpolation', next: '@pop' }],
      { include: 'root' },
    ],
    heredoc: [
      [/^\s*([A-Za-z_]\w*)\s*$/, { cases: { '$1==$S2': { token: 'string.heredoc', next: '@pop' }, '@default': 'string' } }],
      [/\$\{/, { token: 'delimiter.interpolation', next: '@interpolation' }],
      [/[^$]+/, 'string'],
      [/\$/, 'string'],
    ],
  },
};

const KIND: Record<CompletionItem['kind'], number> = {
  block: 14, // Keyword
  component: 7, // Class
  field: 4, // Field
  variable: 5, // Variable
  local: 5,
  function: 1, // Function
  keyword: 17, // Keyword
};

export function registerHcl(monaco: typeof Monaco, api: ContractApi, texts: TemplateTexts): void {
  monaco.languages.register({ id: HCL, extensions: ['.hcl'], aliases: ['HCL2', 'Packer HCL'] });
  monaco.languages.setMonarchTokensProvider(HCL, monarch as unknown as Monaco.languages.IMonarchLanguage);
  monaco.languages.setLanguageConfiguration(HCL, {
    comments: { lineComment: '#', blockComment: ['/*', '*/'] },
    brackets: [['{', '}'], ['[', ']'], ['(', ')']],
    autoClosingPairs: [
      { open: '{', close: '}' },
      { open: '[', close: ']' },
      { open: '(', close: ')' },
      { open: '"', close: '"', notIn: ['string'] },
    ],
  });
  const position = (model: Monaco.editor.ITextModel, p: Monaco.Position) => ({ filename: model.uri.path, line: p.lineNumber, column: p.column });

  monaco.languages.registerCompletionItemProvider(HCL, {
    triggerCharacters: ['.', '"'],
    async provideCompletionItems(model, p) {
      const t = texts();
      if (!t) return { suggestions: [] };
      const r = await api.templates.completions({ ...t, position: position(model, p) });
      const word = model.getWordUntilPosition(p);
      const range = new monaco.Range(p.lineNumber, word.startColumn, p.lineNumber, word.endColumn);
      const items = r.ok ? r.value : [];
      return {
        suggestions: items.map((c) => ({
          label: c.label,
          kind: KIND[c.kind],
          detail: c.detail,
          documentation: c.documentation ? { value: c.documentation } : undefined,
          insertText: c.insertText ?? c.label,
          insertTextRules: c.insertText?.includes('$') ? monaco.languages.CompletionItemInsertTextRule.InsertAsSnippet : undefined,
          range,
        })),
      };
    },
  });
  monaco.languages.registerHoverProvider(HCL, {
    async provideHover(model, p) {
      const t = texts();
      if (!t) return null;
      const r = await api.templates.hover({ ...t, position: position(model, p) });
      if (!r.ok || !r.value) return null;
      const h = r.value;
      return { contents: [{ value: h.markdown }], range: h.range ? new monaco.Range(h.range.start.line, h.range.start.column, h.range.end.line, h.range.end.column) : undefined };
    },
  });
  monaco.languages.registerDefinitionProvider(HCL, {
    async provideDefinition(model, p) {
      const t = texts();
      if (!t) return null;
      const r = await api.templates.definition({ ...t, position: position(model, p) });
      if (!r.ok || !r.value) return null;
      const d = r.value;
      return { uri: monaco.Uri.file(d.filename), range: new monaco.Range(d.start.line, d.start.column, d.end.line, d.end.column) };
    },
  });
  monaco.languages.registerDocumentFormattingEditProvider(HCL, {
    async provideDocumentFormattingEdits(model) {
      const r = await api.templates.format({ filename: model.uri.path, text: model.getValue() });
      if (!r.ok || !r.value.changed) return [];
      return [{ range: model.getFullModelRange(), text: r.value.text }];
    },
  });
}
