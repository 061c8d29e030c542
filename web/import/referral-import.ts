// /orienter/import: an agency refers many learners from one CSV file. Each
// row becomes the same referral body as the /orienter form (same inputs,
// same CreateJourney schema) and goes through the same referLearner as
// POST /v1/journeys, keyed by an Idempotency-Key drawn from its content: a
// file imported twice refers nobody twice. The file is checked whole first
// (csv-file.ts); then invalid rows are reported and change nothing, and
// valid ones are referred.
import type { Caller } from '../../api/auth';
import { requestHash } from '../../api/idempotency';
import type { JourneyDeps } from '../../api/journey-actions';
import { Problem } from '../../api/problem';
import { referLearner } from '../../api/referrals';
import { CreateJourney } from '../../api/schemas';
import { problemErrors, zodErrors } from '../forms/form-errors';
import { referralBody, referralFieldOf, referralFields } from '../forms/referral-fields';
import type { FormField } from '../forms/schema-fields';
import { loose, readCsv, type CsvColumn, type CsvRow, type FileProblem } from './csv-file';

/** Referrals made at once while importing: enough to be quick, few enough to leave room for others. */
const CONCURRENCY = 4;

export interface Fabrique {
  id: string;
  name: string;
}

/** The columns of the file: the inputs of /orienter, headed by their French labels. */
export function importColumns(): CsvColumn[] {
  return referralFields([]).map((f) => ({ name: f.name, header: f.label, required: f.required }));
}

export interface RowError {
  column: string;
  message: string;
}

export type RowOutcome = 'created' | 'already' | 'duplicate' | 'invalid' | 'not-done';

export interface RowReport {
  line: number;
  /** The learner's name as the row gives it, for the counsellor to find them. */
  name: string;
  outcome: RowOutcome;
  journeyId?: string;
  fabrique?: string;
  /** The earlier row of the file with the same content. */
  duplicateOf?: number;
  errors: RowError[];
}

export interface ImportReport {
  rows: RowReport[];
  counts: Record<RowOutcome, number>;
  /** The journey engine stopped answering: the rows left were not tried. */
  engineDown: boolean;
}

export type ImportResult = { refused: FileProblem[] } | { report: ImportReport };

const YES = new Set(['oui', 'true', 'vrai', 'o', '1']);
const NO = new Set(['non', 'false', 'faux', 'n', '0']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function clip(s: string, max = 40): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** The fabrique a cell names, by id or by its exact name (accents and case aside). */
function fabriqueOf(cell: string, fabriques: Fabrique[]): { id: string } | { problem: string } {
  if (UUID.test(cell)) {
    const id = cell.toLowerCase();
    return fabriques.some((f) => f.id === id)
      ? { id }
      : { problem: `aucune fabrique n’a l’identifiant « ${clip(cell)} ».` };
  }
  const named = fabriques.filter((f) => loose(f.name) === loose(cell));
  if (named.length === 1) return { id: (named[0] as Fabrique).id };
  return named.length > 1
    ? { problem: `plusieurs fabriques s’appellent « ${clip(cell)} » : indiquez son identifiant.` }
    : { problem: `aucune fabrique ne s’appelle « ${clip(cell)} » (voir la liste des fabriques).` };
}

/**
 * A cell as the form's input would hold it: yes/no words, French dates,
 * French labels of codes, a fabrique's name, and the zeros spreadsheets drop
 * (postal codes of 4 digits, mobile numbers of 9). Anything else is left as
 * written, for the schema to refuse with its reason.
 */
function inputValue(field: FormField, cell: string): string {
  const v = cell.trim();
  if (v === '') return '';
  if (field.kind === 'boolean') {
    if (YES.has(loose(v))) return 'true';
    if (NO.has(loose(v))) return 'false';
    return v;
  }
  if (field.kind === 'date') {
    const fr = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(v);
    return fr ? `${fr[3]}-${(fr[2] as string).padStart(2, '0')}-${(fr[1] as string).padStart(2, '0')}` : v;
  }
  if (field.kind === 'select' && field.name !== 'fabriqueId') {
    const squash = (s: string) => loose(s).replace(/\s+/g, '');
    const choice = field.choices?.find((c) => c.value === v || squash(c.label) === squash(v));
    return choice ? choice.value : v;
  }
  if (field.name === 'postalCode' && /^\d{4}$/.test(v)) return `0${v}`;
  if (field.name === 'phone' && /^[1-9]\d{8}$/.test(v)) return `0${v}`;
  return v;
}

/** What a cell should hold, when the schema refused it, in a spreadsheet's words. */
function cellMessage(field: FormField, cell: string, generic: string): string {
  const v = cell.trim();
  if (v === '') return field.kind === 'boolean' ? 'indiquez oui ou non.' : 'cette cellule est obligatoire.';
  const given = `« ${clip(v)} »`;
  if (field.kind === 'boolean') return `${given} : indiquez oui ou non.`;
  if (field.kind === 'select') {
    return `${given} n’est pas une valeur acceptée ; valeurs possibles : ${(field.choices ?? []).map((c) => c.label).join(', ')}.`;
  }
  if (field.kind === 'date')
    return `${given} : indiquez une date JJ/MM/AAAA (ou AAAA-MM-JJ), de 1900 à 2199.`;
  const lower = generic.charAt(0).toLowerCase() + generic.slice(1);
  return `${given} : ${lower}`;
}

type Checked =
  | { ok: true; body: ReturnType<(typeof CreateJourney)['parse']>; fabrique: string }
  | { ok: false; errors: RowError[] };

/** One row against the referral schema, as the form's post would be checked. */
function checkRow(
  row: CsvRow,
  fields: FormField[],
  headers: Record<string, string>,
  fabriques: Fabrique[],
): Checked {
  const columnOf = (name: string) => headers[name] ?? fields.find((f) => f.name === name)?.label ?? name;
  const errors: RowError[] = [];
  if (row.extraCells > 0) {
    errors.push({
      column: 'Ligne',
      message:
        `${row.extraCells} cellule(s) remplie(s) après la dernière colonne : une cellule contient-elle ` +
        'le séparateur (; ou ,) sans être entre guillemets ?',
    });
  }
  const values: Record<string, string> = {};
  for (const f of fields) values[f.name] = inputValue(f, row.cells[f.name] ?? '');
  const fabriqueCell = (row.cells.fabriqueId ?? '').trim();
  if (fabriqueCell) {
    const found = fabriqueOf(fabriqueCell, fabriques);
    if ('id' in found) values.fabriqueId = found.id;
    else errors.push({ column: columnOf('fabriqueId'), message: found.problem });
  }
  const parsed = CreateJourney.safeParse(referralBody(fields, values));
  if (!parsed.success) {
    const found = zodErrors(parsed.error, fields, values, referralFieldOf);
    for (const f of fields) {
      const generic = found.fields[f.name];
      if (!generic || errors.some((e) => e.column === columnOf(f.name))) continue;
      errors.push({ column: columnOf(f.name), message: cellMessage(f, row.cells[f.name] ?? '', generic) });
    }
    for (const e of found.summary.filter((s) => !s.field))
      errors.push({ column: 'Ligne', message: e.message });
  }
  if (errors.length || !parsed.success) return { ok: false, errors };
  const fabrique = fabriques.find((f) => f.id === parsed.data.fabriqueId)?.name ?? '';
  return { ok: true, body: parsed.data, fabrique };
}

/** The Idempotency-Key of a row: its referral body's fingerprint, the same whatever the file's spelling. */
export function rowKey(body: unknown): string {
  return `csv-${requestHash(body)}`;
}

async function inPool<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
}

/**
 * Imports a file for an agency's member: refuses it whole when it cannot be
 * read, otherwise refers each valid row and reports every row.
 */
export async function importReferrals(
  deps: JourneyDeps & { log: (message: string) => void },
  c: Caller,
  file: Buffer,
  fabriques: Fabrique[],
): Promise<ImportResult> {
  const read = readCsv(file, importColumns());
  if (!read.ok) return { refused: read.problems };
  const fields = referralFields(fabriques).map((f) => ({ ...f, label: read.headers[f.name] ?? f.label }));

  const reports: RowReport[] = [];
  const toRefer: { report: RowReport; body: ReturnType<(typeof CreateJourney)['parse']>; key: string }[] = [];
  const firstLineOf = new Map<string, number>();
  for (const row of read.rows) {
    const name = clip(`${row.cells.firstName ?? ''} ${row.cells.lastName ?? ''}`.trim(), 60) || '(sans nom)';
    const checked = checkRow(row, fields, read.headers, fabriques);
    const report: RowReport = { line: row.line, name, outcome: 'invalid', errors: [] };
    reports.push(report);
    if (!checked.ok) {
      report.errors = checked.errors;
      continue;
    }
    report.fabrique = checked.fabrique;
    const key = rowKey(checked.body);
    const earlier = firstLineOf.get(key);
    if (earlier !== undefined) {
      Object.assign(report, { outcome: 'duplicate', duplicateOf: earlier });
      continue;
    }
    firstLineOf.set(key, row.line);
    toRefer.push({ report, body: checked.body, key });
  }

  let engineDown = false;
  await inPool(toRefer, CONCURRENCY, async ({ report, body, key }) => {
    if (engineDown) return void (report.outcome = 'not-done');
    try {
      const { journeyId, replayed } = await referLearner(deps, c.orgId ?? '', body, key, {
        memberId: c.memberId,
      });
      Object.assign(report, { outcome: replayed ? 'already' : 'created', journeyId });
    } catch (err) {
      if (err instanceof Problem && err.status < 500) {
        const found = problemErrors(err, fields, '', referralFieldOf);
        report.errors = found.summary.map((s) => {
          const field = fields.find((f) => f.name === s.field);
          return field
            ? { column: field.label, message: (found.fields[field.name] ?? s.message).trim() }
            : { column: 'Ligne', message: s.message.trim() };
        });
        return;
      }
      // The engine or the database failed: what is left waits for the next import of the same file.
      engineDown = true;
      report.outcome = 'not-done';
      const kind = err instanceof Problem ? `${err.status}` : err instanceof Error ? err.name : typeof err;
      deps.log(`import: a referral failed (${kind}); the rows left are not tried`);
    }
  });

  const counts: Record<RowOutcome, number> = {
    created: 0,
    already: 0,
    duplicate: 0,
    invalid: 0,
    'not-done': 0,
  };
  for (const r of reports) counts[r.outcome]++;
  return { report: { rows: reports, counts, engineDown } };
}
