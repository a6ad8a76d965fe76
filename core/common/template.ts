/** A template's syntax: HCL2 (`*.pkr.hcl`, `*.pkr.json`, a directory) or a legacy JSON template. */
export type TemplateFormat = 'hcl2' | 'json';

/** The component kinds that have a form beside the graph. */
export const FORM_COMPONENT_KINDS = ['builder', 'provisioner', 'post-processor'] as const;
export type FormComponentKind = (typeof FORM_COMPONENT_KINDS)[number];
