/**
 * `npm run build`, also run by `npm install` and `npm ci` (the `prepare` script) and before the
 * tests: compiles the worker and the sample generator (tsconfig.build.json's `include`, with the
 * site's modules they import) into dist/, where bin/optout.mjs runs them with plain node. Imports
 * of `./x.ts` become `./x.js` (rewriteRelativeImportExtensions). The other files of those folders
 * (the SQL models, the classifier's weights) are read at run time beside the code, so they are
 * copied as they are. dist/ is emptied first: a file removed from the sources leaves no copy.
 *
 * dist/.build.json lists every project file the build read; isStale() compares their times with
 * it, so the tests rebuild only when a source changed (test/global-setup.ts).
 *
 * Usage: node scripts/build.mjs
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(import.meta.dirname, '..');
const CONFIG = 'tsconfig.build.json';
const STAMP = path.join(root, 'dist', '.build.json');
/** Files that change the output without being compiled: the settings and this script. */
const SETTINGS = [CONFIG, 'tsconfig.json', 'package.json', 'scripts/build.mjs'];

/** tsconfig.build.json's folders to compile (its `include`). */
function includedFolders() {
  return JSON.parse(readFileSync(path.join(root, CONFIG), 'utf8')).include;
}

/** Every file under `dir`, relative to the project. */
function filesUnder(dir) {
  return readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)));
}

export async function build() {
  const { default: ts } = await import('typescript');
  const host = { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => fail([d]) };
  const parsed = ts.getParsedCommandLineOfConfigFile(path.join(root, CONFIG), {}, host);
  if (!parsed) throw new Error(`${CONFIG}: could not be read`);
  if (parsed.errors.length) fail(parsed.errors);
  const outDir = parsed.options.outDir;
  if (!outDir || path.resolve(outDir) !== path.dirname(STAMP)) throw new Error(`${CONFIG}: outDir must be dist`);
  rmSync(outDir, { recursive: true, force: true });
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
  const emitted = program.emit();
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics];
  if (diagnostics.length) fail(diagnostics);

  const compiled = program
    .getSourceFiles()
    .map((f) => path.relative(root, f.fileName))
    .filter((f) => !f.startsWith('..') && !f.split(path.sep).includes('node_modules') && !f.endsWith('.d.ts'));
  const assets = includedFolders()
    .flatMap(filesUnder)
    .filter((f) => !/\.[cm]?tsx?$/.test(f));
  for (const file of assets) {
    mkdirSync(path.dirname(path.join(outDir, file)), { recursive: true });
    copyFileSync(path.join(root, file), path.join(outDir, file));
  }
  const sources = [...new Set([...SETTINGS, ...compiled, ...assets])].sort();
  writeFileSync(STAMP, `${JSON.stringify({ sources }, null, 1)}\n`);
  return { compiled: compiled.length, assets: assets.length };

  function fail(list) {
    const format = {
      getCanonicalFileName: (f) => f,
      getCurrentDirectory: () => root,
      getNewLine: () => '\n',
    };
    process.stderr.write(ts.formatDiagnosticsWithColorAndContext(list, format));
    process.stderr.write(`build: ${list.length} error(s); dist/ is not usable until they are fixed\n`);
    process.exit(1);
  }
}

/**
 * Why dist/ no longer matches the sources, or null when it does: never built, or a file it was
 * built from (or a new file in a compiled folder) is newer than the build.
 */
export function isStale() {
  if (!existsSync(STAMP)) return 'dist/ has not been built';
  const built = statSync(STAMP).mtimeMs;
  const { sources } = JSON.parse(readFileSync(STAMP, 'utf8'));
  for (const file of [...sources, ...includedFolders().flatMap(filesUnder)]) {
    const st = statSync(path.join(root, file), { throwIfNoEntry: false });
    if (!st) return `${file} is gone`;
    if (st.mtimeMs > built) return `${file} changed`;
  }
  return null;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const { compiled, assets } = await build();
  process.stderr.write(`build: ${compiled} modules compiled, ${assets} files copied into dist/ (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
}
