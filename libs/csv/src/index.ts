export { csvDelimiterOf, csvNumber, CsvSyntaxError, parseCsv, parseCsvRecords, toCsv, type CsvValue } from './csv';
