/**
 * Reads what `kubectl get` printed as a table: the header's column names and each row's cells. kubectl aligns
 * columns with a tabwriter (at least three spaces between columns, names may contain single spaces such as
 * `NOMINATED NODE`), so columns are found at the header's offsets and rows are cut there, which keeps empty
 * cells (a Flux object without status has an empty READY) in place.
 */

/** One printed table. */
export interface PrintedTable {
  header: string[];
  rows: string[][];
}

/** Column names and where each starts in the header line. */
function headerColumns(line: string): Array<{ name: string; at: number }> {
  const columns: Array<{ name: string; at: number }> = [];
  for (const match of line.matchAll(/\S+(?: \S+)*/g)) columns.push({ name: match[0], at: match.index ?? 0 });
  return columns;
}

/** Splits kubectl's output into tables (multi-kind `get` prints one per kind, separated by a blank line). */
export function parseTables(output: string): PrintedTable[] {
  const blocks = output
    .replace(/\n+$/, '')
    .split(/\n\s*\n/)
    .filter((b) => b.trim() !== '');
  return blocks.map((block) => {
    const [headerLine, ...rowLines] = block.split('\n');
    const columns = headerColumns(headerLine);
    const rows = rowLines.map((line) =>
      columns.map((c, i) => line.slice(c.at, i + 1 < columns.length ? columns[i + 1].at : undefined).trim()),
    );
    return { header: columns.map((c) => c.name), rows };
  });
}

/** The single table of a one-kind `get`; throws when kubectl printed several or none. */
export function parseTable(output: string): PrintedTable {
  const tables = parseTables(output);
  if (tables.length !== 1) throw new Error(`expected one table, got ${tables.length}:\n${output}`);
  return tables[0];
}

/** The cells of the column `name` in every row. */
export function columnValues(table: PrintedTable, name: string): string[] {
  const index = table.header.indexOf(name);
  if (index < 0) throw new Error(`no column ${name} in [${table.header.join(', ')}]`);
  return table.rows.map((row) => row[index]);
}

/** An AGE cell as kubectl's HumanDuration prints it: `0s`, `119s`, `2m5s`, `10m`, `3h`, `5d`. */
export const AGE = /^\d+[smhdy](\d+[smh])?$/;
