import { HippoError } from '../shared/errors';
import { detectImportFormat, IMPORT_FORMATS, type ImportFormat } from '../shared/import-formats';

// The parsers live in src/shared so the app's import panel reads files exactly as the CLI does.
export {
  errorPlace,
  IMPORT_FORMATS,
  parseImport,
  parseJsonl,
  parseMarkdown,
  parseText,
  type ImportFormat,
  type LineError,
  type ParsedFile,
  type ParsedRecord,
  type SpeakerNames,
} from '../shared/import-formats';

/**
 * The format named by --format, else the one the file's extension and content say (a .json chat
 * export, a .jsonl of chat turns); BAD_INPUT when neither tells.
 */
export function detectFormat(file: string, given: string | undefined, text: string): ImportFormat {
  if (given !== undefined) {
    if ((IMPORT_FORMATS as readonly string[]).includes(given)) return given as ImportFormat;
    throw new HippoError('BAD_INPUT', `--format must be one of ${IMPORT_FORMATS.join(', ')}, got "${given}"`);
  }
  const found = detectImportFormat(file, text);
  if (found) return found;
  if (/\.json$/i.test(file))
    throw new HippoError(
      'BAD_INPUT',
      `cannot tell the format of "${file}": a .json file is read as ChatGPT's or Claude's conversations.json (an array of conversations with "mapping" or "chat_messages"); pass --format ${IMPORT_FORMATS.join('|')}`,
    );
  throw new HippoError(
    'BAD_INPUT',
    `cannot tell the format of "${file}" from its extension (.jsonl, .ndjson, .txt, .md, .markdown, .json); pass --format ${IMPORT_FORMATS.join('|')}`,
  );
}
