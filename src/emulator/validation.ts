/**
 * Input rules from the Glue service model, reported as Glue does: one InvalidInputException that
 * names every member at fault.
 */
import { invalidInput } from "./errors";

/** The model's pattern for catalog, database and table names: no control characters but tab. */
const NAME_PATTERN = /^[\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}\t]*$/u;
export const NAME_MAX_LENGTH = 255;

/** Why a name breaks the model's rule, or undefined when it keeps it. */
export function nameProblem(value: string): string | undefined {
  const length = [...value].length;
  if (length < 1) return "must have length greater than or equal to 1";
  if (length > NAME_MAX_LENGTH) return `must have length less than or equal to ${NAME_MAX_LENGTH}`;
  if (!NAME_PATTERN.test(value))
    return "must satisfy the pattern [\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\t]*";
  return undefined;
}

/** A short rendering of a bad value for a message; long values are cut. */
function shown(value: unknown): string {
  if (value === undefined || value === null) return "null";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return `'${text.length > 64 ? `${text.slice(0, 64)}...` : text}'`;
}

/** Reads an operation's input member by member, collecting every problem before answering. */
export class InputReader {
  private readonly problems: string[] = [];

  constructor(private readonly input: Readonly<Record<string, unknown>>) {}

  /** A catalog, database or table name. A missing required one reads as "" (finish() then throws). */
  name(member: string, required: true): string;
  name(member: string, required: false): string | undefined;
  name(member: string, required: boolean): string | undefined {
    const value = this.string(member, required);
    if (value === undefined) return required ? "" : undefined;
    const problem = nameProblem(value);
    if (problem) this.fail(member, value, `Member ${problem}`);
    return value;
  }

  string(member: string, required: boolean): string | undefined {
    const value = this.input[member];
    if (value === undefined || value === null) {
      if (required) this.fail(member, value, "Member must not be null");
      return undefined;
    }
    if (typeof value !== "string") {
      this.fail(member, value, "Member must be a string");
      return undefined;
    }
    return value;
  }

  boolean(member: string): boolean | undefined {
    const value = this.input[member];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "boolean") {
      this.fail(member, value, "Member must be a boolean");
      return undefined;
    }
    return value;
  }

  integer(member: string, min: number, max: number): number | undefined {
    const value = this.input[member];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "number" || !Number.isInteger(value)) {
      this.fail(member, value, "Member must be an integer");
      return undefined;
    }
    if (value < min) this.fail(member, value, `Member must have value greater than or equal to ${min}`);
    else if (value > max) this.fail(member, value, `Member must have value less than or equal to ${max}`);
    return value;
  }

  /** Throws InvalidInputException naming every member at fault, if any. */
  finish(): void {
    if (this.problems.length === 0) return;
    const count = this.problems.length;
    throw invalidInput(`${count} validation error${count === 1 ? "" : "s"} detected: ${this.problems.join("; ")}`);
  }

  private fail(member: string, value: unknown, constraint: string): void {
    this.problems.push(`Value ${shown(value)} at '${member}' failed to satisfy constraint: ${constraint}`);
  }
}

/** The three required members that name one view, as Start and Stop take them. */
export interface ViewMembers {
  readonly catalogId: string;
  readonly databaseName: string;
  readonly tableName: string;
}

export function readViewMembers(reader: InputReader): ViewMembers {
  return {
    catalogId: reader.name("CatalogId", true),
    databaseName: reader.name("DatabaseName", true),
    tableName: reader.name("TableName", true),
  };
}
