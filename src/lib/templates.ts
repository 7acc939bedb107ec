import { createHash } from 'node:crypto';
import { Liquid, type Template } from 'liquidjs';

/**
 * Message personalisation: spintax `{Hi|Hello|Hey}` then Liquid (`{{ first_name | default: "there" }}`).
 * Sandboxed: no file system (an empty template map, so include/render/layout find nothing), no
 * prototype walking (ownPropertyOnly), no globals, and parse/render/memory limits per template.
 */
export type TemplateValue = string | number | boolean | null | undefined;
export type TemplateVars = Record<string, TemplateValue>;

const LIMITS = { parseLimit: 100_000, renderLimit: 1_000, memoryLimit: 10_000_000 } as const;

const engine = new Liquid({ templates: {}, ownPropertyOnly: true, strictFilters: true, ...LIMITS });
// Strict twin for the pre-launch check: undefined variables throw, unless guarded by `default` or `if`.
const strictEngine = new Liquid({ templates: {}, ownPropertyOnly: true, strictFilters: true, strictVariables: true, lenientIf: true, ...LIMITS });

export class TemplateError extends Error {}

/** One choice per spintax group, the same for the same seed (so the preview is what is sent). */
export function expandSpintax(source: string, seed: string): string {
  // A single-brace group with a pipe, not part of `{{ … }}` or `{% … %}`; innermost groups first.
  const group = /(?<!\{)\{(?![{%])([^{}]*\|[^{}]*)\}/;
  let text = source;
  for (let i = 0; i < 1000; i++) {
    const match = group.exec(text);
    if (!match) break;
    const options = match[1]!.split('|');
    const digest = createHash('sha256').update(`${seed}:${i}:${match[1]}`).digest();
    const pick = options[digest.readUInt32BE(0) % options.length]!;
    text = text.slice(0, match.index) + pick + text.slice(match.index + match[0].length);
  }
  return text;
}

/** Only present, non-empty values reach the template: an empty field is "missing" to `default`. */
function present(vars: TemplateVars): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(vars)) if (v !== null && v !== undefined && v !== '') out[k] = v;
  return out;
}

/**
 * Parsed templates by their spintax-expanded text. A campaign renders the same few texts for
 * every contact (one per spintax combination), and parsing was about half the Liquid cost per
 * message. Parsed templates are immutable, so sharing them is safe; the render limits still
 * apply per render. Bounded: the oldest entry goes when it is full.
 */
const PARSED_CACHE_SIZE = 1000;
const parsed = new Map<string, Template[]>();

function parseCached(text: string): Template[] {
  let templates = parsed.get(text);
  if (!templates) {
    templates = engine.parse(text);
    if (parsed.size >= PARSED_CACHE_SIZE) parsed.delete(parsed.keys().next().value!);
    parsed.set(text, templates);
  }
  return templates;
}

export function renderTemplate(source: string, vars: TemplateVars, opts: { seed: string }): string {
  try {
    return engine.renderSync(parseCached(expandSpintax(source, opts.seed)), present(vars)) as string;
  } catch (err) {
    throw new TemplateError((err as Error).message.split('\n')[0]!);
  }
}

/**
 * Variables the template needs that these values leave empty (used without a `default`): the
 * pre-launch check lists contacts for which a message would render with a hole in it.
 */
export function missingVariables(source: string, vars: TemplateVars, opts: { seed: string }): string[] {
  const text = expandSpintax(source, opts.seed);
  const values: Record<string, string | number | boolean> = present(vars);
  const missing: string[] = [];
  for (let i = 0; i < 50; i++) {
    try {
      strictEngine.parseAndRenderSync(text, values);
      return missing;
    } catch (err) {
      const name = /undefined variable: ([\w.]+)/i.exec((err as Error).message)?.[1];
      if (!name) throw new TemplateError((err as Error).message.split('\n')[0]!);
      const root = name.split('.')[0]!;
      missing.push(root);
      values[root] = '';
    }
  }
  return missing;
}

/** Checks a template compiles (for saving a step): unknown filters and bad syntax are errors. */
export function validateTemplate(source: string): string | null {
  try {
    engine.parse(expandSpintax(source, 'validate'));
    return null;
  } catch (err) {
    return (err as Error).message.split('\n')[0]!;
  }
}

/** The variables a contact offers to templates: snake_case built-ins plus custom fields by key. */
export function contactVariables(c: {
  email: string | null; firstName: string | null; lastName: string | null; company: string | null; title: string | null;
  phone: string | null; timeZone: string | null; custom: Record<string, TemplateValue>;
}): TemplateVars {
  return {
    ...c.custom,
    email: c.email, first_name: c.firstName, last_name: c.lastName, company: c.company, title: c.title, phone: c.phone, time_zone: c.timeZone,
    full_name: [c.firstName, c.lastName].filter(Boolean).join(' ') || null,
  };
}
