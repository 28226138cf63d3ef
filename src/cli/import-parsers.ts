import { HippoError } from '../shared/errors';
import { formatFromFileName, IMPORT_FORMATS, type ImportFormat } from '../shared/import-formats';

// The parsers live in src/shared so the app's import panel reads files exactly as the CLI does.
export {
  IMPORT_FORMATS,
  parseImport,
  parseJsonl,
  parseMarkdown,
  parseText,
  type ImportFormat,
  type LineError,
  type ParsedFile,
  type ParsedRecord,
} from '../shared/import-formats';

/** The format named by --format, else the one the file's extension says; BAD_INPUT when neither. */
export function detectFormat(file: string, given?: string): ImportFormat {
  if (given !== undefined) {
    if ((IMPORT_FORMATS as readonly string[]).includes(given)) return given as ImportFormat;
    throw new HippoError('BAD_INPUT', `--format must be one of ${IMPORT_FORMATS.join(', ')}, got "${given}"`);
  }
  const byExt = formatFromFileName(file);
  if (byExt) return byExt;
  throw new HippoError(
    'BAD_INPUT',
    `cannot tell the format of "${file}" from its extension (.jsonl, .ndjson, .txt, .md, .markdown); pass --format jsonl|text|markdown`,
  );
}
