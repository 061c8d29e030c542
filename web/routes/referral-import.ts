// /orienter/import: an agency's member uploads a CSV of learners to refer;
// the page answers with a report row by row. /orienter/import/modele.csv is
// the template: the header row the import expects.
import { Router, type RequestHandler } from 'express';
import { stringify } from 'csv-stringify/sync';
import multer from 'multer';
import { assertRole, caller } from '../../api/auth';
import { fabriquesOf, referralFields } from '../forms/referral-fields';
import type { FormField } from '../forms/schema-fields';
import { MAX_BYTES, MAX_ROWS } from '../import/csv-file';
import { importColumns, importReferrals, type ImportReport } from '../import/referral-import';
import { render } from '../render';
import type { WebDeps } from '../server';

/** Only agencies refer: anyone else finds no page here. */
export const agencyOnly: RequestHandler = (req, _res, next) => {
  assertRole(caller(req), 'agency');
  next();
};

const upload = multer({
  storage: multer.memoryStorage(),
  // Browsers send the file's name in UTF-8.
  defParamCharset: 'utf8',
  limits: { fileSize: MAX_BYTES, files: 1, fields: 4, fieldSize: 1024, parts: 6, headerPairs: 20 },
}).single('file');

/**
 * Reads the multipart form (the file in memory, 1 MB at most, and the CSRF
 * token) so that CSRF can then be checked; a file too large or a form not
 * as ours is kept as `uploadError` for the page to say so.
 */
export const receiveUpload: RequestHandler = (req, res, next) => {
  upload(req, res, (err: unknown) => {
    if (err) res.locals.uploadError = (err as { code?: string }).code ?? 'UNKNOWN';
    next();
  });
};

const UPLOAD_ERRORS: Record<string, string> = {
  LIMIT_FILE_SIZE: `Le fichier dépasse 1 Mo : coupez-le en plusieurs fichiers de ${MAX_ROWS.toLocaleString('fr-FR')} lignes au plus.`,
};

/** What each column takes, in words, for the page's table. */
function accepted(f: FormField): string {
  if (f.name === 'fabriqueId') return 'Le nom exact d’une fabrique, ou son identifiant (liste plus bas).';
  if (f.kind === 'boolean') return 'oui ou non (ou true, false).';
  if (f.kind === 'date') return 'Une date JJ/MM/AAAA ou AAAA-MM-JJ.';
  if (f.kind === 'select') return `${(f.choices ?? []).map((c) => c.label).join(', ')}.`;
  if (f.kind === 'email') return 'Une adresse électronique.';
  if (f.name === 'postalCode') return 'Cinq chiffres, par exemple 93200.';
  if (f.name === 'phone') return 'Par exemple 06 12 34 56 78.';
  return f.maxLength ? `Du texte, ${f.maxLength} caractères au plus.` : 'Du texte.';
}

async function pageData(deps: WebDeps) {
  const fabriques = await fabriquesOf(deps.db);
  const columns = referralFields([]).map((f) => ({
    header: f.label,
    name: f.name,
    required: f.required,
    accepted: accepted(f),
  }));
  return {
    columns,
    fabriques: fabriques.map((f) => ({ id: f.id, name: f.name, region: f.region ?? '—' })),
    maxRows: MAX_ROWS.toLocaleString('fr-FR'),
  };
}

const plural = (n: number, one: string, many: string) => `${n} ${n > 1 ? many : one}`;

/** The report as the page shows it: a summary first, the rows to fix, then the people referred. */
function reportView(report: ImportReport) {
  const { counts } = report;
  const referred = counts.created + counts.already + counts.duplicate;
  const summary = [
    plural(counts.created, 'personne orientée', 'personnes orientées'),
    counts.already
      ? plural(
          counts.already,
          'déjà orientée par un import précédent',
          'déjà orientées par un import précédent',
        )
      : '',
    counts.duplicate
      ? plural(counts.duplicate, 'ligne en double dans le fichier', 'lignes en double dans le fichier')
      : '',
    counts.invalid ? plural(counts.invalid, 'ligne à corriger', 'lignes à corriger') : '',
    counts['not-done'] ? plural(counts['not-done'], 'ligne non traitée', 'lignes non traitées') : '',
  ].filter(Boolean);
  const outcome = (r: ImportReport['rows'][number]) =>
    r.outcome === 'created'
      ? { label: 'Orientée', severity: 'success' }
      : r.outcome === 'already'
        ? { label: 'Déjà orientée', severity: 'info' }
        : { label: `Doublon de la ligne ${r.duplicateOf}`, severity: 'info' };
  return {
    title:
      counts.invalid || counts['not-done'] ? 'Import terminé, avec des lignes à reprendre' : 'Import terminé',
    severity: counts.invalid || counts['not-done'] ? (referred ? 'warning' : 'error') : 'success',
    summary,
    total: report.rows.length,
    invalid: report.rows.filter((r) => r.outcome === 'invalid'),
    notDone: report.rows.filter((r) => r.outcome === 'not-done'),
    referred: report.rows
      .filter((r) => r.journeyId || r.outcome === 'duplicate')
      .map((r) => ({ ...r, href: r.journeyId ? `/parcours/${r.journeyId}` : undefined, badge: outcome(r) })),
    newlyReferred: counts.created,
    /** People referred by this file, now or before; a row repeating another adds nobody. */
    people: counts.created + counts.already,
    engineDown: report.engineDown,
  };
}

export function referralImportRoutes(deps: WebDeps): Router {
  const router = Router();

  router.get('/', async (_req, res) => {
    render(res, 'referral-import', await pageData(deps));
  });

  router.get('/modele.csv', (_req, res) => {
    const csv = stringify([importColumns().map((c) => c.header)], {
      delimiter: ';',
      bom: true,
      record_delimiter: 'windows',
    });
    res
      .type('text/csv; charset=utf-8')
      .attachment('modele-orientations.csv')
      .set('Cache-Control', 'no-store')
      .send(csv);
  });

  router.post('/', async (req, res) => {
    const c = caller(req);
    const data = await pageData(deps);
    const uploadError = res.locals.uploadError as string | undefined;
    const file = req.file;
    if (uploadError || !file) {
      const message = uploadError
        ? (UPLOAD_ERRORS[uploadError] ??
          'Le formulaire envoyé n’est pas celui de cette page : choisissez un fichier et recommencez.')
        : 'Choisissez un fichier CSV à importer.';
      return render(
        res,
        'referral-import',
        { ...data, fileError: message },
        uploadError === 'LIMIT_FILE_SIZE' ? 413 : 422,
      );
    }
    const fabriques = await fabriquesOf(deps.db);
    const result = await importReferrals(deps, c, file.buffer, fabriques);
    if ('refused' in result) {
      return render(
        res,
        'referral-import',
        { ...data, fileName: file.originalname, refused: result.refused },
        422,
      );
    }
    render(res, 'referral-import', {
      ...data,
      fileName: file.originalname,
      report: reportView(result.report),
    });
  });

  return router;
}
