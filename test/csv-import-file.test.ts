// The CSV reader of /orienter/import, on its own: which cells are formulas a
// spreadsheet would run (phone numbers and signed numbers are not), how the
// separator is found, and that line numbers are the spreadsheet's rows.
import { looksLikeFormula, readCsv } from '../web/import/csv-file';
import { importColumns } from '../web/import/referral-import';

test.each([
  ['=HYPERLINK("http://x","y")', true],
  ['@SUM(A1:A2)', true],
  ["+cmd|' /C calc'!A0", true],
  ["-2+3+cmd|' /C calc'!A0", true],
  ['  =1+1', true],
  ['+33 6 12 34 56 78', false],
  ['-12,5', false],
  ['06 12 34 56 78', false],
  ['Awa', false],
  ['a=b', false],
])('%s is a formula: %s', (cell, formula) => {
  expect(looksLikeFormula(cell)).toBe(formula);
});

test('the separator is the header row’s, a `sep=` line says it outright, and rows are numbered as a spreadsheet numbers them', () => {
  const columns = importColumns();
  const headers = columns.map((c) => c.name).join(',');
  const cells = (first: string) => `${first},Diallo,a@b.fr,,2004-01-01,female,93200,true,none,x,,,,`;
  // French headers, `;` between cells, a comma and a line break inside quoted cells, a BOM, CRLF.
  const french = columns.map((c) => c.header).join(';');
  const semicolons = readCsv(
    Buffer.from(`\ufeff${french}\r\nAwa;"Diallo, née Ba"\r\n;;\r\n"Léa";"Martin\r\nbis"\r\n`),
    columns,
  );
  expect(semicolons.ok && semicolons.rows.map((r) => [r.line, r.cells.firstName, r.cells.lastName])).toEqual([
    [2, 'Awa', 'Diallo, née Ba'],
    [4, 'Léa', 'Martin\r\nbis'],
  ]);
  const withSep = readCsv(Buffer.from(`sep=,\n${headers}\n${cells('Awa')}\n\n${cells('Léa')}\n`), columns);
  expect(withSep.ok && withSep.rows.map((r) => [r.line, r.cells.firstName, r.cells.lastName])).toEqual([
    [3, 'Awa', 'Diallo'],
    [5, 'Léa', 'Diallo'],
  ]);
});
