import { createHash } from "node:crypto";
import { lstatSync, readFileSync, readdirSync, readlinkSync } from "node:fs";
import * as path from "node:path";

/**
 * Everything under `root`, as relative path → what is there: "dir" for a directory (its path
 * ends in "/"), "-> target" for a symbolic link (never followed), else the file's mode and
 * SHA-256. Two equal snapshots mean nothing was created, removed or changed.
 */
export function snapshotTree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      const rel = path.relative(root, full).split(path.sep).join("/");
      const stat = lstatSync(full);
      if (stat.isSymbolicLink()) out[rel] = `-> ${readlinkSync(full)}`;
      else if (stat.isDirectory()) {
        out[`${rel}/`] = "dir";
        walk(full);
      } else out[rel] = `${(stat.mode & 0o7777).toString(8)} ${createHash("sha256").update(readFileSync(full)).digest("hex")}`;
    }
  };
  walk(root);
  return out;
}
