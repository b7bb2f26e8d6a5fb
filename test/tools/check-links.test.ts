/**
 * The link check `npm run lint` runs (tools/check-links.ts): a relative link to a file that is not
 * there and an anchor that is no heading are reported, with file and line; valid ones are not.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { ROOT, anchors, check, links, projectFiles, slug } from "../../tools/check-links";

let root: string;

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "check-links-"));
  mkdirSync(path.join(root, "docs"));
  mkdirSync(path.join(root, "src", "deploy"), { recursive: true });
  writeFileSync(path.join(root, "src", "deploy", "interrupt.ts"), "export {};\n");
  writeFileSync(
    path.join(root, "docs", "topic.md"),
    "# A topic\n\n## Many views: MaterializedViewRefreshGroup\n\n## Where and as whom: the `provider` configuration\n",
  );
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

const write = (file: string, text: string) => writeFileSync(path.join(root, file), text);

it("reports nothing for valid links: files, folders, source files, anchors here and in another file", () => {
  write(
    "README.md",
    [
      "# Title",
      "",
      "## Try it",
      "",
      "See [the topic](docs/topic.md), [its group](docs/topic.md#many-views-materializedviewrefreshgroup),",
      "[the configuration](docs/topic.md#where-and-as-whom-the-provider-configuration), [Try it](#try-it),",
      "[the folder](docs/), [`src/deploy/interrupt.ts`](src/deploy/interrupt.ts) and",
      "[a link whose text",
      "spans two lines](#title). [Outside](https://example.com/missing.md#nowhere).",
      "",
      "[ref]: docs/topic.md#a-topic",
    ].join("\n"),
  );
  expect(check(root, ["README.md"])).toEqual([]);
});

it("reports a link to a file that is not there, and an anchor that is no heading, with their lines", () => {
  write(
    "README.md",
    [
      "# Title",
      "",
      "[gone](docs/gone.md) and [old source](src/interrupt.ts)",
      "[no such heading](docs/topic.md#many-views)",
      "[no such heading here](#try-it)",
    ].join("\n"),
  );
  expect(check(root, ["README.md"])).toEqual([
    { file: "README.md", line: 3, target: "docs/gone.md", reason: "no such file or folder: docs/gone.md" },
    { file: "README.md", line: 3, target: "src/interrupt.ts", reason: "no such file or folder: src/interrupt.ts" },
    {
      file: "README.md",
      line: 4,
      target: "docs/topic.md#many-views",
      reason: "no heading or anchor #many-views in docs/topic.md",
    },
    { file: "README.md", line: 5, target: "#try-it", reason: "no heading or anchor #try-it in README.md" },
  ]);
});

it("resolves links relative to the file that holds them", () => {
  write("docs/other.md", "[up](../README.md#title), [beside](topic.md#a-topic), [wrong](README.md)\n");
  write("README.md", "# Title\n");
  expect(check(root, ["docs/other.md"]).map((b) => b.target)).toEqual(["README.md"]);
});

it("reads no link and no heading inside code, nor in front matter", () => {
  const markdown = [
    "---",
    "title: Front [matter](nowhere.md)",
    "---",
    "```sh",
    "# From a git URL",
    "echo [not a link](nowhere.md)",
    "```",
    "",
    "1. A list item:",
    "",
    "   ```yaml",
    "   key: [x](nowhere.md)",
    "   ```",
    "",
    "Inline `[x](nowhere.md)` code, and ``a `[y](nowhere.md)` span``.",
    "",
    "## Real heading",
  ].join("\n");
  expect(links(markdown)).toEqual([]);
  expect([...anchors(markdown)]).toEqual(["real-heading"]);
});

it("makes anchors by GitHub's rules: lower case, punctuation dropped, spaces to hyphens, repeats numbered", () => {
  expect(slug("Many views: MaterializedViewRefreshGroup")).toBe("many-views-materializedviewrefreshgroup");
  expect(slug("Engine harness (test support)")).toBe("engine-harness-test-support");
  expect(slug("The `aws:` stack config, step 1.5")).toBe("the-aws-stack-config-step-15");
  expect(slug("**Bold** and _emphasis_ with snake_case")).toBe("bold-and-emphasis-with-snake_case");
  expect(slug("A [link](x.md) in it")).toBe("a-link-in-it");
  expect([...anchors("## Python\n\n## Python\n\n## Python\n")]).toEqual(["python", "python-1", "python-2"]);
  expect(anchors('<a id="kept"></a>\n').has("kept")).toBe(true);
});

it("finds no broken link in the project's own Markdown", () => {
  const files = projectFiles();
  expect(files).toEqual(expect.arrayContaining(["README.md", "CHANGELOG.md", path.join("docs", "plugin.md")]));
  expect(check(ROOT, files)).toEqual([]);
});
