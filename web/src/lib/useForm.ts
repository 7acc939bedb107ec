import { useState, type ChangeEvent, type FormEvent } from 'react';
import { errorMessage, isApiError } from '../api/errors';

type Values = Record<string, string>;
export type FormErrors<V extends Values> = Partial<Record<keyof V, string>>;

interface UseFormOptions<V extends Values> {
  initialValues: V;
  validate?: (values: V) => FormErrors<V>;
  onSubmit: (values: V) => Promise<unknown>;
  /** Maps a server `errors[].field` to a form field when the default (last path segment) doesn't fit. */
  fieldFromServer?: (field: string) => string | undefined;
  /** How server fragments name a field ("Plan must be a number."), when its key isn't readable. */
  labels?: Partial<Record<keyof V, string>>;
}

function normaliseField(field: string): string {
  // Accept "email", "/email" or "body.email" alike.
  return field.split(/[./]/).filter(Boolean).pop() ?? field;
}

/**
 * Server messages are often fragments relative to the field ("must be a valid email address");
 * those get the field's name in front so they read as sentences under the input.
 */
function asSentence(field: string, message: string, label?: string): string {
  const text = message.trim();
  if (!text) return text;
  const isFragment = /^[a-z]/.test(text);
  const subject = label ?? field.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  const sentence = isFragment ? `${subject.charAt(0).toUpperCase()}${subject.slice(1)} ${text}` : text;
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
}

function firstError<V extends Values>(errors: FormErrors<V>): keyof V | undefined {
  return (Object.keys(errors) as (keyof V)[]).find((key) => errors[key]);
}

/**
 * Client validation runs on submit and then live while the user fixes things; server field errors
 * (problem+json `errors[]`) are shown under the matching inputs until that input is edited.
 */
export function useForm<V extends Values>({ initialValues, validate, onSubmit, fieldFromServer, labels }: UseFormOptions<V>) {
  const [values, setValues] = useState<V>(initialValues);
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState<FormErrors<V>>({});
  const [formError, setFormError] = useState<string | null>(null);

  const clientErrors: FormErrors<V> = submitted && validate ? validate(values) : {};
  const errorFor = (name: keyof V) => clientErrors[name] ?? serverErrors[name];

  function setValue(name: keyof V, value: string) {
    setValues((current) => ({ ...current, [name]: value }));
    setServerErrors((current) => ({ ...current, [name]: undefined }));
  }

  function applyServerError(error: unknown) {
    if (isApiError(error) && error.fieldErrors.length > 0) {
      const matched: FormErrors<V> = {};
      let unmatched = 0;
      for (const { field, message } of error.fieldErrors) {
        const name = fieldFromServer?.(field) ?? normaliseField(field);
        if (name in values) matched[name as keyof V] ??= asSentence(name, message, labels?.[name as keyof V]);
        else unmatched += 1;
      }
      setServerErrors(matched);
      // Errors about fields the form doesn't show (e.g. an expired token) are explained by `detail`.
      setFormError(unmatched > 0 || Object.keys(matched).length === 0 ? errorMessage(error) : null);
      return;
    }
    setFormError(errorMessage(error));
  }

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    setSubmitted(true);
    const errors = validate ? validate(values) : {};
    const invalid = firstError(errors);
    if (invalid !== undefined) {
      const element = form.elements.namedItem(String(invalid));
      if (element instanceof HTMLElement) element.focus();
      return;
    }
    setServerErrors({});
    setFormError(null);
    try {
      await onSubmit(values);
    } catch (error) {
      applyServerError(error);
    }
  }

  function field(name: keyof V & string) {
    return {
      name,
      value: values[name],
      error: errorFor(name),
      onChange: (event: ChangeEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>) =>
        setValue(name, event.target.value),
    };
  }

  function reset(next: V = initialValues) {
    setValues(next);
    setSubmitted(false);
    setServerErrors({});
    setFormError(null);
  }

  return { values, field, setValue, handleSubmit, formError, setFormError, reset };
}
