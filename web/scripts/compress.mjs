// Writes a gzip twin (file.gz) next to every text asset in dist/, so that the
// C++ server can send precompressed bytes to clients that accept gzip.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const exts = ['.js', '.css', '.html', '.svg', '.json'];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (exts.some((e) => name.endsWith(e))) {
      writeFileSync(path + '.gz', gzipSync(readFileSync(path), { level: 9 }));
    }
  }
}
walk(new URL('../dist', import.meta.url).pathname);
