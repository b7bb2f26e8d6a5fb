/** The views file: `{ "views": [ { "catalogId"?, "databaseName", "tableName" } ] }`. */
import { readFileSync } from "fs";
import type { EmulatedView } from "./types";

/** Reads and checks a views file; errors name the file and the entry at fault. */
export function readViewsFile(file: string): EmulatedView[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`Cannot read views file ${file}: ${(error as Error).message}`, { cause: error });
  }
  return parseViews(parsed, `views file ${file}`);
}

export function parseViews(parsed: unknown, source: string): EmulatedView[] {
  const views = (parsed as { views?: unknown } | null)?.views;
  if (!Array.isArray(views)) throw new Error(`The ${source} must be a JSON object with a "views" array`);
  return views.map((view: unknown, index) => {
    const entry = (view ?? {}) as Record<string, unknown>;
    for (const member of ["databaseName", "tableName"]) {
      if (typeof entry[member] !== "string")
        throw new Error(`The ${source}: views[${index}].${member} must be a string`);
    }
    if (entry.catalogId !== undefined && typeof entry.catalogId !== "string") {
      throw new Error(`The ${source}: views[${index}].catalogId must be a string when present`);
    }
    return {
      ...(entry.catalogId !== undefined ? { catalogId: entry.catalogId } : {}),
      databaseName: entry.databaseName as string,
      tableName: entry.tableName as string,
    };
  });
}
