// Pages are Nunjucks templates (web/templates), autoescaped, given data that
// the route prepared: templates format nothing and query nothing.
import path from 'node:path';
import type { Response } from 'express';
import nunjucks from 'nunjucks';

const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(path.join(__dirname, 'templates')), {
  autoescape: true,
  throwOnUndefined: false,
});

/** Renders `templates/<view>.njk` with the page's data and what every page shows (member, CSRF token). */
export function render(res: Response, view: string, data: Record<string, unknown> = {}, status = 200): void {
  const html = env.render(`${view}.njk`, { ...res.locals, ...data });
  res.status(status).type('html').send(html);
}

/** Renders a template to a string, for pages served outside the web app's routes. */
export function renderToString(view: string, data: Record<string, unknown>): string {
  return env.render(`${view}.njk`, data);
}
