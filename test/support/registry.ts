/**
 * Release folders (tools/release.ts), one per version under a root, served over HTTP as the
 * registries a user installs from: every file at its path (`/<version>/plugins/…`, the archives a
 * release's `pluginDownloadURL` names), and /simple/<project>/, a PEP 503 simple index of the Python
 * distributions of every release (`<version>/python/`), which `pip install --index-url` reads. Each
 * request's path is recorded.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "fs";
import { createServer, type Server } from "http";
import type { AddressInfo } from "net";
import * as path from "path";

export interface LocalRegistry {
  readonly url: string;
  /** The paths asked for, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

/** PEP 503's normalized project name. */
const normalize = (name: string) => name.toLowerCase().replace(/[-_.]+/g, "-");

/** The project a wheel's or sdist's file name belongs to. */
const projectOf = (file: string) => normalize(file.split("-")[0]);

export async function startRegistry(root: string): Promise<LocalRegistry> {
  const served = path.resolve(root);
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
    requests.push(url);
    const simple = /^\/simple\/([^/]+)\/?$/.exec(url);
    if (simple) {
      const files = readdirSync(served).flatMap((version) => {
        const dir = path.join(served, version, "python");
        if (!existsSync(dir)) return [];
        return readdirSync(dir).flatMap((f) =>
          projectOf(f) === normalize(simple[1]) ? [`${version}/python/${f}`] : [],
        );
      });
      if (files.length === 0) return void res.writeHead(404).end();
      const links = files.map((f) => `<a href="/${f}">${path.basename(f)}</a><br/>`).join("\n");
      res
        .writeHead(200, { "content-type": "text/html" })
        .end(`<!DOCTYPE html><html><body>\n${links}\n</body></html>\n`);
      return;
    }
    const file = path.join(served, path.normalize(url).replace(/^(\.\.[/\\])+/, ""));
    if (!file.startsWith(served) || !existsSync(file) || !statSync(file).isFile()) return void res.writeHead(404).end();
    res.writeHead(200, { "content-length": statSync(file).size }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
