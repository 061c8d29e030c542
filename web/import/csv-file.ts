// Reading an uploaded CSV file as spreadsheets write them: UTF-8 with or
// without a BOM, `,` or `;` between cells, a header row naming the columns.
// Anything else (a workbook, a PDF, another encoding, no header, a cell a
// spreadsheet would run as a formula) refuses the whole file with a reason a
// person can act on, before any row is looked at.
import { parse } from 'csv-parse/sync';

/** Rows of data a file may hold, besides its header. */
export const MAX_ROWS = 1000;
/** Bytes a file may weigh. */
export const MAX_BYTES = 1024 * 1024;

export interface CsvColumn {
  /** The input's name (the API body's field, flattened as on /orienter). */
  name: string;
  /** The header the template writes, in French. */
  header: string;
  required: boolean;
}

export interface CsvRow {
  /** The row's number as a spreadsheet shows it: the header is row 1. */
  line: number;
  /** Cells by column name; columns absent from the file are absent here. */
  cells: Record<string, string>;
  /** Cells past the last column that hold something. */
  extraCells: number;
}

export type CsvRead =
  | {
      ok: true;
      rows: CsvRow[];
      /** Each column of the file, by name, with its header as the file writes it. */
      headers: Record<string, string>;
    }
  | { ok: false; problems: FileProblem[] };

/** Why a file is refused whole; `items` lists where (cells, columns). */
export interface FileProblem {
  message: string;
  items?: string[];
}

const SAVE_AS_CSV =
  'Dans Excel : Fichier > Enregistrer sous > « CSV UTF-8 (délimité par des virgules) ». ' +
  'Dans LibreOffice Calc : Fichier > Enregistrer sous > « Texte CSV », en cochant « Éditer les paramètres du filtre », ' +
  'puis le jeu de caractères « Unicode (UTF-8) ».';

const SIGNATURES: [number[], string][] = [
  [[0x50, 0x4b, 0x03, 0x04], 'un classeur (Excel .xlsx ou LibreOffice .ods)'],
  [[0xd0, 0xcf, 0x11, 0xe0], 'un classeur Excel ancien (.xls)'],
  [[0x25, 0x50, 0x44, 0x46], 'un document PDF'],
  [[0x89, 0x50, 0x4e, 0x47], 'une image PNG'],
  [[0xff, 0xd8, 0xff], 'une image JPEG'],
];

function startsWith(buf: Buffer, bytes: number[]): boolean {
  return bytes.every((b, i) => buf[i] === b);
}

/** The text of a UTF-8 file, or why it is not one. */
function decode(buf: Buffer): { text: string } | { problem: string } {
  if (buf.length === 0) return { problem: 'Le fichier est vide.' };
  for (const [bytes, what] of SIGNATURES) {
    if (startsWith(buf, bytes))
      return { problem: `Ce fichier est ${what}, pas un fichier CSV. ${SAVE_AS_CSV}` };
  }
  if (startsWith(buf, [0xff, 0xfe]) || startsWith(buf, [0xfe, 0xff])) {
    return {
      problem: `Ce fichier est encodé en UTF-16 ; Parcours lit les fichiers CSV en UTF-8. ${SAVE_AS_CSV}`,
    };
  }
  if (buf.includes(0)) {
    return { problem: 'Ce fichier n’est pas un fichier texte : il contient des données binaires.' };
  }
  const body = startsWith(buf, [0xef, 0xbb, 0xbf]) ? buf.subarray(3) : buf;
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(body) };
  } catch {
    const loose = new TextDecoder('utf-8').decode(body);
    const line = loose.slice(0, loose.indexOf('\uFFFD')).split('\n').length;
    return {
      problem:
        `Ce fichier n’est pas encodé en UTF-8 (premier caractère illisible à la ligne ${line}) : ` +
        `c’est souvent le cas des fichiers « CSV » d’Excel, écrits en Windows-1252. ${SAVE_AS_CSV}`,
    };
  }
}

/** A header or a value as people write it: no accents, case or spacing differences. */
export function loose(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[’‘`]/g, "'")
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * A cell a spreadsheet would run as a formula (`=HYPERLINK(…)`, `@SUM(…)`,
 * `+cmd|…`, `-2+3…`). A phone number or a number with a sign is not one.
 */
export function looksLikeFormula(cell: string): boolean {
  const v = cell.trim();
  if (/^[=@＝＠]/.test(v)) return true;
  return /^[+-]/.test(v) && !/^[+-][\d\s.,()/-]*$/.test(v);
}

function clip(s: string, max = 40): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** `;` or `,`: the one the header row uses (a `sep=;` first line, as Excel writes, says it outright). */
function delimiterOf(text: string): { delimiter: string; skipFirstLine: boolean } {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const sep = /^sep=([;,\t])$/i.exec(firstLine);
  if (sep) return { delimiter: sep[1] as string, skipFirstLine: true };
  const count = (c: string) => firstLine.split(c).length - 1;
  return { delimiter: count(';') >= count(',') && count(';') > 0 ? ';' : ',', skipFirstLine: false };
}

function csvError(err: unknown, lineOffset: number): string {
  const e = err as { code?: string; records?: number };
  const line = (e.records ?? 0) + 1 + lineOffset;
  if (e.code === 'CSV_QUOTE_NOT_CLOSED') {
    return `Le fichier est mal formé à partir de la ligne ${line} : un guillemet (") ouvert n’est jamais refermé.`;
  }
  if (e.code === 'INVALID_OPENING_QUOTE' || e.code === 'CSV_INVALID_CLOSING_QUOTE') {
    return `Le fichier est mal formé à la ligne ${line} : un guillemet (") est mal placé dans une cellule.`;
  }
  return `Le fichier est mal formé à la ligne ${line} : il ne se lit pas comme un fichier CSV.`;
}

/**
 * Reads the file against the expected columns: each header is a column's
 * French header or its name (`firstName`), in any order, optional columns
 * may be left out. Returns the rows, or every reason to refuse the file.
 */
export function readCsv(buf: Buffer, columns: CsvColumn[]): CsvRead {
  const decoded = decode(buf);
  if ('problem' in decoded) return { ok: false, problems: [{ message: decoded.problem }] };
  const { delimiter, skipFirstLine } = delimiterOf(decoded.text);
  const offset = skipFirstLine ? 1 : 0;
  let records: string[][];
  try {
    records = parse(decoded.text, {
      delimiter,
      relax_column_count: true,
      skip_empty_lines: false,
      from_line: 1 + offset,
    }) as string[][];
  } catch (err) {
    return { ok: false, problems: [{ message: csvError(err, offset) }] };
  }
  const [header = [], ...data] = records;

  const problems: FileProblem[] = [];
  const byLooseName = new Map<string, CsvColumn>();
  for (const c of columns) {
    byLooseName.set(loose(c.header), c);
    byLooseName.set(loose(c.name), c);
  }
  const headers: Record<string, string> = {};
  const indexOf: Record<string, number> = {};
  const unknown: string[] = [];
  header.forEach((raw, i) => {
    const cell = raw.trim();
    if (cell === '') return;
    const column = byLooseName.get(loose(cell));
    if (!column) return unknown.push(cell);
    if (column.name in headers) {
      problems.push({
        message: `La colonne « ${column.header} » apparaît deux fois dans la ligne d’en-tête.`,
      });
      return;
    }
    headers[column.name] = cell;
    indexOf[column.name] = i;
  });
  if (Object.keys(headers).length === 0) {
    return {
      ok: false,
      problems: [
        {
          message:
            'La première ligne du fichier doit nommer les colonnes (Prénom, Nom, Adresse électronique…) : ' +
            'aucune colonne attendue n’y figure. Partez du modèle à télécharger sur cette page.',
        },
      ],
    };
  }
  if (unknown.length) {
    problems.push({
      message:
        `${unknown.length === 1 ? 'Cette colonne n’est pas attendue' : 'Ces colonnes ne sont pas attendues'} : ` +
        'renommez-les comme dans le modèle, ou retirez-les.',
      items: unknown.map((cell) => `« ${clip(cell)} »`),
    });
  }
  const missing = columns.filter((c) => c.required && !(c.name in headers));
  if (missing.length) {
    problems.push({
      message:
        missing.length === 1 ? 'Une colonne obligatoire manque :' : 'Des colonnes obligatoires manquent :',
      items: missing.map((c) => `« ${c.header} »`),
    });
  }

  const rows: CsvRow[] = [];
  data.forEach((record, i) => {
    if (record.every((cell) => cell.trim() === '')) return;
    const line = i + 2 + offset;
    const cells: Record<string, string> = {};
    for (const [name, index] of Object.entries(indexOf)) cells[name] = record[index] ?? '';
    const extraCells = record.filter((cell, j) => j >= header.length && cell.trim() !== '').length;
    rows.push({ line, cells, extraCells });
  });
  if (rows.length === 0 && problems.length === 0) {
    problems.push({
      message: 'Le fichier ne contient aucune ligne après la ligne d’en-tête : rien à importer.',
    });
  }
  if (rows.length > MAX_ROWS) {
    problems.push({
      message:
        `Le fichier compte ${rows.length.toLocaleString('fr-FR')} lignes de données ; ` +
        `${MAX_ROWS.toLocaleString('fr-FR')} au plus par import. Coupez-le en plusieurs fichiers.`,
    });
  }

  // A cell a spreadsheet would run is refused, not imported: the file may have been tampered with.
  const formulas: string[] = [];
  const check = (line: number, column: string, cell: string) => {
    if (looksLikeFormula(cell)) {
      formulas.push(`Ligne ${line}, colonne « ${clip(column)} » : « ${clip(cell.trim())} »`);
    }
  };
  header.forEach((cell) => check(1 + offset, cell, cell));
  for (const row of rows) {
    for (const [name, cell] of Object.entries(row.cells)) check(row.line, headers[name] ?? name, cell);
  }
  if (formulas.length) {
    const shown = formulas.slice(0, 20);
    if (formulas.length > shown.length) shown.push(`et ${formulas.length - shown.length} autre(s)`);
    problems.push({
      message:
        `${formulas.length === 1 ? 'Une cellule commence' : `${formulas.length} cellules commencent`} par =, +, - ou @ ` +
        'suivi de texte : un tableur pourrait l’exécuter comme une formule. Retirez ce premier caractère, ' +
        'ou toute la formule :',
      items: shown,
    });
  }
  return problems.length ? { ok: false, problems } : { ok: true, rows, headers };
}
