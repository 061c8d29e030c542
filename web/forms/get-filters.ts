// Filters of a GET form (the journey list, the dashboard), checked by the
// API's query schema. Refused filters come back as errors on the page and
// are left out; the others still apply.
import type { z } from 'zod';
import { zodErrors, type FormErrors } from './form-errors';
import { describeFields, postedValues } from './schema-fields';

export function readFilters<S extends z.ZodObject>(
  schema: S,
  query: unknown,
  labels: Readonly<Record<string, string>>,
  /** Values the page sets itself (a page size), not read from the query. */
  fixed: Record<string, unknown> = {},
): { data: z.infer<S>; values: Record<string, string>; errors?: FormErrors } {
  const all = postedValues(query);
  const values = Object.fromEntries(
    Object.keys(schema.shape)
      .filter((k) => !(k in fixed) && all[k])
      .map((k) => [k, all[k] as string]),
  );
  let parsed = schema.safeParse({ ...values, ...fixed });
  let errors;
  if (!parsed.success) {
    errors = zodErrors(
      parsed.error,
      describeFields(schema.shape).map((f) => ({ ...f, label: labels[f.name] ?? f.label })),
      values,
    );
    for (const issue of parsed.error.issues) delete values[String(issue.path[0])];
    parsed = schema.safeParse({ ...values, ...fixed });
  }
  // Without the refused filters, the rest parses: each filter is checked on its own.
  return { data: (parsed.success ? parsed.data : fixed) as z.infer<S>, values, errors };
}
