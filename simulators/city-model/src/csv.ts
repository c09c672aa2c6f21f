/**
 * A small RFC 4180 CSV reader (quoted fields, doubled quotes, CRLF) for the
 * shared data files; rows come back keyed by the header.
 */
export function parseCsv(text: string): Array<Record<string, string>> {
  const records = parseRecords(text);
  const header = records.shift();
  if (!header) return [];
  return records
    .filter((record) => !(record.length === 1 && record[0] === ''))
    .map((record) => Object.fromEntries(header.map((name, i) => [name, record[i] ?? ''])));
}

function parseRecords(text: string): string[][] {
  // Most data files quote nothing: splitting is then exact and far faster.
  if (!text.includes('"')) {
    const lines = text.split(/\r?\n|\r/);
    if (lines[lines.length - 1] === '') lines.pop();
    return lines.map((line) => line.split(','));
  }
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
      continue;
    }
    if (ch === '"') quoted = true;
    else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
}

/** Quotes a value for CSV output when it needs it. */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
