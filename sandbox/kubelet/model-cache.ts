/**
 * Foundry Local's model cache on disk: unpacking a BYO `models.tar.gz` into it (only plain files and
 * directories, no links or devices, no paths leaving the cache) and listing the models it holds — a folder
 * counts as a model when it has both `genai_config.json` and `inference_model.json` (`{"Name": …}`).
 */
import { mkdir, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { x as extract } from 'tar';

/** One model found in the cache. */
export interface CachedModel {
  /** Path relative to the cache, `/`-separated, e.g. `meta/llama-3.2-1b-instruct-generic-gpu/v1`. */
  path: string;
  /** `Name` from inference_model.json, else the folder name. */
  name: string;
}

/**
 * Extracts a gzipped tarball into `dir` (created if missing). Strict: a corrupt archive rejects; entries
 * other than files and directories are skipped, absolute and `..` paths are refused by tar itself.
 * Returns how many files were written.
 */
export async function unpackModels(archive: string, dir: string): Promise<number> {
  await mkdir(dir, { recursive: true });
  let files = 0;
  await extract({
    file: archive,
    cwd: dir,
    strict: true,
    preservePaths: false,
    preserveOwner: false,
    filter: (_p, entry) => {
      const type = 'type' in entry ? entry.type : entry.isDirectory() ? 'Directory' : 'File';
      const keep = type === 'File' || type === 'OldFile' || type === 'Directory';
      if (keep && type !== 'Directory') files++;
      return keep;
    },
  });
  return files;
}

/** Walks `dir` for model folders, sorted by path. A missing cache holds no models. */
export async function listModels(dir: string): Promise<CachedModel[]> {
  const found: CachedModel[] = [];
  const walk = async (rel: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(path.join(dir, rel), { withFileTypes: true });
    } catch {
      return;
    }
    const names = new Set(entries.filter((e) => e.isFile()).map((e) => e.name));
    if (names.has('genai_config.json') && names.has('inference_model.json')) {
      found.push({
        path: rel.split(path.sep).join('/'),
        name: await modelName(path.join(dir, rel, 'inference_model.json'), rel),
      });
    }
    for (const e of entries) if (e.isDirectory()) await walk(path.join(rel, e.name));
  };
  await walk('');
  return found.sort((a, b) => a.path.localeCompare(b.path));
}

async function modelName(file: string, rel: string): Promise<string> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as { Name?: unknown };
    if (typeof parsed.Name === 'string' && parsed.Name) return parsed.Name;
  } catch {
    // An unreadable descriptor still marks a model; fall back to the folder name.
  }
  const parts = rel.split(path.sep);
  return parts.length >= 2 && /^v\d+$/.test(parts[parts.length - 1]!)
    ? parts[parts.length - 2]!
    : parts[parts.length - 1]!;
}
