import { describe, expect, it } from 'vitest';
import { contactVariables, expandSpintax, missingVariables, renderTemplate, TemplateError, validateTemplate } from './templates.js';

const ann = contactVariables({ email: 'ann@acme.io', firstName: 'Ann', lastName: null, company: 'Acme', title: null, phone: null, timeZone: 'Europe/Berlin', custom: { seats: 12, plan: '' } });

describe('templates', () => {
  it('personalises with fallbacks and custom fields', () => {
    const out = renderTemplate('Hi {{ first_name | default: "there" }} at {{ company }} ({{ seats }} seats), {{ last_name | default: "friend" }}{{ plan }}', ann, { seed: 's' });
    expect(out).toBe('Hi Ann at Acme (12 seats), friend');
    expect(renderTemplate('Hi {{ first_name | default: "there" }}', contactVariables({ email: 'x@y.io', firstName: '', lastName: null, company: null, title: null, phone: null, timeZone: null, custom: {} }), { seed: 's' })).toBe('Hi there');
  });

  it('expands spintax deterministically per seed, including nested groups, without touching Liquid', () => {
    const source = '{Hi|Hello|Hey} {{ first_name | default: "there" }}, {quick|short} {question|{note|thought}}';
    const a = renderTemplate(source, ann, { seed: 'contact-1:step-1' });
    expect(a).toBe(renderTemplate(source, ann, { seed: 'contact-1:step-1' }));
    expect(a).toMatch(/^(Hi|Hello|Hey) Ann, (quick|short) (question|note|thought)$/);
    const variety = new Set(Array.from({ length: 40 }, (_, i) => expandSpintax('{Hi|Hello|Hey}', `c${i}`)));
    expect(variety).toEqual(new Set(['Hi', 'Hello', 'Hey']));
    expect(expandSpintax('{% if x %}{a}{% endif %} {{ y }}', 's')).toBe('{% if x %}{a}{% endif %} {{ y }}');
  });

  it('lists the variables a contact leaves empty, except those with a default', () => {
    expect(missingVariables('Hi {{ first_name }}, about {{ title }} at {{ company }}: {{ last_name | default: "" }}', ann, { seed: 's' })).toEqual(['title']);
    expect(missingVariables('{% if title %}As {{ title }}{% endif %} hi', ann, { seed: 's' })).toEqual([]);
  });

  it('is sandboxed: no files, no prototypes, no environment, no unknown filters', () => {
    expect(() => renderTemplate("{% include 'secrets' %}", ann, { seed: 's' })).toThrow(TemplateError);
    expect(() => renderTemplate("{% render '/etc/passwd' %}", ann, { seed: 's' })).toThrow(TemplateError);
    expect(renderTemplate('{{ email.constructor }}{{ constructor.name }}{{ __proto__ }}{{ process.env.HOME }}', ann, { seed: 's' })).toBe('');
    expect(validateTemplate('{{ first_name | shell: "rm" }}')).toMatch(/undefined filter/i);
    expect(validateTemplate('{% if %}')).not.toBeNull();
    expect(validateTemplate('Hello {{ first_name }}')).toBeNull();
  });

  it('stops runaway templates', () => {
    expect(() => renderTemplate('{% for i in (1..100000000) %}x{% endfor %}', ann, { seed: 's' })).toThrow(TemplateError);
  });
});
