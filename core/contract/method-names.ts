/**
 * The contract's method names as the transports spell them (`templates.open`), as a plain list: the renderer builds its
 * client from this and never loads the schemas (zod alone was two thirds of the first bundle). `methods.ts` checks at
 * compile time that this list names exactly the methods it declares.
 */
export const METHOD_NAMES = [
  'templates.open',
  'templates.save',
  'templates.analyze',
  'templates.diagnostics',
  'templates.format',
  'templates.completions',
  'templates.hover',
  'templates.definition',
  'templates.edit',
  'templates.attributes',
  'templates.schema',
  'builds.start',
  'builds.cancel',
  'builds.answerPrompt',
  'builds.listRuns',
  'builds.readLog',
  'workspace.recentFiles',
  'workspace.getSettings',
  'workspace.setSettings',
] as const;

export type MethodName = (typeof METHOD_NAMES)[number];
