/**
 * Every relative link in the project's Markdown resolves: the file or folder it names exists, and its
 * `#anchor`, in this file or in another Markdown file, is a heading there by GitHub's slug rules (or
 * an `<a id>`/`<a name>`). Links with a scheme (`https:`, `mailto:`) are not followed.
 *
 *   node build/tools/check-links.js            checks README.md, CONTRIBUTING.md, CHANGELOG.md,
 *                                              docs/**\/*.md, examples/**\/README.md, sdk/README.md
 *   node build/tools/check-links.js FILE...    checks those files
 */
import { existsSync, readdirSync, readFileSync, statSync } from "fs";
import * as path from "path";

/** The repository: above `tools/` when run from source (tests), above `build/tools/` when built. */
export const ROOT = [path.join(__dirname, ".."), path.join(__dirname, "..", "..")].find((dir) =>
  existsSync(path.join(dir, "package.json")),
)!;

/** A link as written: where it points and the line it is on (1-based). */
export interface Link {
  readonly target: string;
  readonly line: number;
}

/** A link that does not resolve, and why. */
export interface Broken {
  readonly file: string;
  readonly line: number;
  readonly target: string;
  readonly reason: string;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/**
 * The text with fenced code blocks and a leading YAML front matter blanked (each line kept, empty),
 * so that line numbers still count from the top of the file.
 */
export function withoutCodeBlocks(markdown: string): string {
  const lines = markdown.split("\n");
  let fence: string | undefined;
  let frontMatter = lines[0]?.trim() === "---";
  return lines
    .map((line, index) => {
      if (frontMatter) {
        if (index > 0 && line.trim() === "---") frontMatter = false;
        return "";
      }
      const indented = line.replace(/^\s*(?:(?:[-*+]|\d+[.)])\s+)?/, "");
      const opening = FENCE.exec(indented) ?? FENCE.exec(line.trimStart());
      if (fence === undefined) {
        if (opening) fence = opening[1];
        return fence === undefined ? line : "";
      }
      const closing = /^(`{3,}|~{3,})\s*$/.exec(line.trim());
      if (closing?.[1].startsWith(fence[0]) && closing[1].length >= fence.length) fence = undefined;
      return "";
    })
    .join("\n");
}

/** The text with each inline code span's content replaced by `x`s (newlines kept). */
function withoutCodeSpans(text: string): string {
  return text.replace(/(`+)((?:(?!\n[ \t]*\n)[^])*?[^`])\1(?!`)/g, (span) => span.replace(/[^\n]/g, "x"));
}

/** GitHub's anchor for a heading's text: github-slugger's rule, on the text as rendered. */
export function slug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1") // a link or an image: its text
    .replace(/<[^>]+>/g, "") // HTML tags
    .replace(/`/g, "")
    .replace(/\*+/g, "")
    .replace(/(?<![\p{L}\p{N}])_+|_+(?![\p{L}\p{N}])/gu, ""); // emphasis, not a word's underscore
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
    .replace(/ /g, "-");
}

/** The anchors a Markdown file has: each heading's slug (repeats numbered -1, -2, ...), and `<a id>`s. */
export function anchors(markdown: string): Set<string> {
  const found = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of withoutCodeBlocks(markdown).split("\n")) {
    const heading = /^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/.exec(line);
    if (heading) {
      const base = slug(heading[1]);
      const count = seen.get(base) ?? 0;
      seen.set(base, count + 1);
      found.add(count === 0 ? base : `${base}-${count}`);
    }
    for (const html of line.matchAll(/<a\s[^>]*\b(?:id|name)=["']([^"']+)["']/gi)) found.add(html[1]);
  }
  return found;
}

const INLINE =
  /!?\[((?:[^[\]]|\[[^[\]]*\])*)\]\(\s*(<[^>\n]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*\)/g;
const DEFINITION = /^ {0,3}\[[^\]]+\]:[ \t]*(<[^>\n]*>|\S+)/gm;

/** The links of a Markdown file, inline and reference definitions, outside code. */
export function links(markdown: string): Link[] {
  const text = withoutCodeSpans(withoutCodeBlocks(markdown));
  const lineAt = (index: number) => text.slice(0, index).split("\n").length;
  const found: Link[] = [];
  for (const pattern of [INLINE, DEFINITION])
    for (const match of text.matchAll(pattern)) {
      const target = match[pattern === INLINE ? 2 : 1].replace(/^<|>$/g, "");
      const at = match.index + match[0].lastIndexOf(target);
      found.push({ target, line: lineAt(at) });
    }
  return found.sort((a, b) => a.line - b.line);
}

/** Whether a link leaves the repository (`https:`, `mailto:`, `//host`): those are not checked. */
const external = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("//");

/** The broken relative links of the given Markdown files (paths relative to `root`). */
export function check(root: string, files: readonly string[]): Broken[] {
  const cache = new Map<string, Set<string>>();
  const anchorsOf = (file: string) => {
    let found = cache.get(file);
    if (!found) cache.set(file, (found = anchors(readFileSync(file, "utf8"))));
    return found;
  };
  const broken: Broken[] = [];
  for (const file of files) {
    const absolute = path.resolve(root, file);
    for (const { target, line } of links(readFileSync(absolute, "utf8"))) {
      if (target === "" || external(target)) continue;
      const report = (reason: string) => broken.push({ file, line, target, reason });
      const hash = target.indexOf("#");
      const pathPart = decodeURI(hash < 0 ? target : target.slice(0, hash)).replace(/\?.*$/, "");
      const anchor = hash < 0 ? undefined : decodeURIComponent(target.slice(hash + 1));
      const resolved =
        pathPart === ""
          ? absolute
          : pathPart.startsWith("/")
            ? path.join(root, pathPart)
            : path.resolve(path.dirname(absolute), pathPart);
      if (path.relative(root, resolved).startsWith("..")) {
        report("points outside the repository");
        continue;
      }
      if (!existsSync(resolved)) {
        report(`no such file or folder: ${path.relative(root, resolved)}`);
        continue;
      }
      if (anchor === undefined || anchor === "" || !resolved.endsWith(".md") || statSync(resolved).isDirectory())
        continue;
      if (!anchorsOf(resolved).has(anchor))
        report(`no heading or anchor #${anchor} in ${path.relative(root, resolved) || file}`);
    }
  }
  return broken;
}

/**
 * Every file under `dir` (relative to `root`) whose name `keep` accepts, skipping dependencies, build
 * output and the generated API docs (`docs/api/`).
 */
function walk(root: string, dir: string, keep: (name: string) => boolean): string[] {
  const at = path.join(root, dir);
  if (!existsSync(at)) return [];
  const found: string[] = [];
  for (const entry of readdirSync(at, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const skipped = ["node_modules", "target", "bin", "obj"].includes(entry.name) || entry.name.startsWith(".");
      if (!skipped && relative !== path.join("docs", "api")) found.push(...walk(root, relative, keep));
    } else if (keep(entry.name)) found.push(relative);
  }
  return found;
}

/** The files the project's link check covers. */
export function projectFiles(root: string = ROOT): string[] {
  return [
    ...["README.md", "CONTRIBUTING.md", "CHANGELOG.md", path.join("sdk", "README.md")].filter((file) =>
      existsSync(path.join(root, file)),
    ),
    ...walk(root, "docs", (name) => name.endsWith(".md")),
    ...walk(root, "examples", (name) => name === "README.md"),
  ];
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const files = args.length > 0 ? args.map((file) => path.relative(ROOT, path.resolve(file))) : projectFiles();
  const broken = check(ROOT, files);
  for (const { file, line, target, reason } of broken) console.error(`${file}:${line}: ${target}: ${reason}`);
  if (broken.length > 0) {
    console.error(`${broken.length} broken link${broken.length === 1 ? "" : "s"} in ${files.length} files`);
    process.exit(1);
  }
  console.error(`links: ${files.length} files, every relative link and anchor resolves`);
}
