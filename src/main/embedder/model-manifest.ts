import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { HippoError } from '../../shared/errors';

/** File name of the pinned manifest in the repo's (and the packaged app's) resources/ folder. */
export const MODEL_MANIFEST_FILE = 'model-manifest.json';
/** The int8 weights' manifest beside it: the official dynamically quantized file. */
export const MODEL_MANIFEST_INT8_FILE = 'model-manifest-int8.json';

/** Which weights to download: fp32 (the reference) or int8 (faster on a CPU, a quarter the size). */
export type ModelVariant = 'fp32' | 'int8';

/**
 * A manifest file path is relative, forward-slashed and stays inside the model folder: it is joined
 * onto a directory we later replace wholesale, so `..` or an absolute path would write elsewhere.
 */
const manifestFilePath = z
  .string()
  .min(1)
  .max(255)
  .refine(
    (p) =>
      !p.startsWith('/') &&
      !p.includes('\\') &&
      !/^[A-Za-z]:/.test(p) &&
      p.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..'),
    { message: 'must be a relative path like "onnx/model.onnx" (no "..", no leading "/", no backslashes)' },
  );

const httpUrl = z.string().refine(
  (u) => {
    try {
      const { protocol } = new URL(u);
      return protocol === 'https:' || protocol === 'http:';
    } catch {
      return false;
    }
  },
  { message: 'must be an absolute http(s) URL' },
);

export const modelManifestFileSchema = z.object({
  path: manifestFilePath,
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, { message: 'must be 64 lowercase hex characters' }),
  /** Overrides baseUrl + path for this one file. */
  url: httpUrl.optional(),
});

export const modelManifestSchema = z
  .object({
    id: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[A-Za-z0-9._-]+$/, { message: 'must be letters, digits, ".", "_" or "-"' }),
    description: z.string().optional(),
    baseUrl: httpUrl,
    files: z.array(modelManifestFileSchema).min(1),
  })
  .superRefine((m, ctx) => {
    const seen = new Set<string>();
    m.files.forEach((f, i) => {
      if (seen.has(f.path)) {
        ctx.addIssue({ code: 'custom', path: ['files', i, 'path'], message: `duplicate path "${f.path}"` });
      }
      seen.add(f.path);
    });
  });

export type ModelManifest = z.infer<typeof modelManifestSchema>;
export type ModelManifestFile = z.infer<typeof modelManifestFileSchema>;

/** Validates parsed JSON; `source` names where it came from in the error message. */
export function parseModelManifest(json: unknown, source = 'model manifest'): ModelManifest {
  const parsed = modelManifestSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`)
      .join('; ');
    throw new HippoError('BAD_INPUT', `Invalid ${source}: ${problems}`);
  }
  return parsed.data;
}

/** Reads and validates a manifest file. NOT_FOUND when it is absent, BAD_INPUT when it is not a manifest. */
export async function loadModelManifest(filePath: string): Promise<ModelManifest> {
  let text: string;
  try {
    text = await readFile(filePath, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new HippoError('NOT_FOUND', `Model manifest not found: ${filePath}`);
    throw new HippoError('BAD_INPUT', `Cannot read model manifest ${filePath}: ${(e as Error).message}`, {
      cause: e,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new HippoError(
      'BAD_INPUT',
      `Model manifest ${filePath} is not valid JSON: ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  }
  return parseModelManifest(json, `model manifest ${filePath}`);
}

/** Where a manifest file is downloaded from: its own url, else baseUrl + path. */
export function modelFileUrl(manifest: ModelManifest, file: ModelManifestFile): string {
  if (file.url) return file.url;
  const base = manifest.baseUrl.endsWith('/') ? manifest.baseUrl : `${manifest.baseUrl}/`;
  return new URL(file.path.split('/').map(encodeURIComponent).join('/'), base).toString();
}

/** A copy of the manifest downloading from another base URL (mirrors, tests); per-file urls are kept. */
export function withBaseUrl(manifest: ModelManifest, baseUrl: string): ModelManifest {
  return parseModelManifest({ ...manifest, baseUrl }, `model manifest (base URL override "${baseUrl}")`);
}

/**
 * The pinned manifest shipped with Hippo. Looked up rather than imported so the same code finds it
 * from src/ under tsx, from a bundled out/ folder, and from the packaged app's resources folder.
 */
export function findBundledManifestPath(variant: ModelVariant = 'fp32'): string | null {
  const file = variant === 'int8' ? MODEL_MANIFEST_INT8_FILE : MODEL_MANIFEST_FILE;
  const candidates: string[] = [];
  const resourcesPath = (process as { resourcesPath?: string }).resourcesPath;
  if (resourcesPath) candidates.push(path.join(resourcesPath, file));
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    candidates.push(path.join(dir, 'resources', file));
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return candidates.find((c) => existsSync(c)) ?? null;
}

export interface ResolveManifestOptions {
  /** Explicit manifest file; wins over the environment. */
  manifestPath?: string;
  /** HIPPO_MODEL_MANIFEST picks another manifest file, HIPPO_MODEL_BASE_URL another download host. */
  env?: NodeJS.ProcessEnv;
  /** The bundled manifest to use when no other is named; default fp32. */
  variant?: ModelVariant;
}

/** The manifest to download from: explicit path, else HIPPO_MODEL_MANIFEST, else the bundled one. */
export async function resolveModelManifest(
  opts: ResolveManifestOptions = {},
): Promise<{ manifest: ModelManifest; manifestPath: string }> {
  const env = opts.env ?? process.env;
  const manifestPath = opts.manifestPath || env.HIPPO_MODEL_MANIFEST || findBundledManifestPath(opts.variant);
  if (!manifestPath) {
    throw new HippoError(
      'NOT_FOUND',
      `Model manifest ${opts.variant === 'int8' ? MODEL_MANIFEST_INT8_FILE : MODEL_MANIFEST_FILE} not found next to Hippo; set HIPPO_MODEL_MANIFEST to its path`,
    );
  }
  let manifest = await loadModelManifest(manifestPath);
  const baseUrl = env.HIPPO_MODEL_BASE_URL;
  if (baseUrl) manifest = withBaseUrl(manifest, baseUrl);
  return { manifest, manifestPath };
}
