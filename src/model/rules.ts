/**
 * Rules that a resource's inputs and the stack's `aws:` config both obey (a region, an endpoint), and
 * how a value that breaks one is shown. Pure.
 */

/** A rule returns undefined when the value passes, or the rule's wording when it does not. */
export type Rule = (value: unknown) => string | undefined;

export const regionRule: Rule = (v) =>
  typeof v === "string" && /^[a-z0-9]+(-[a-z0-9]+)*$/.test(v) && v.length <= 64
    ? undefined
    : "must be an AWS region name such as us-east-1 (lowercase letters, digits and hyphens)";

export const endpointRule: Rule = (v) => {
  const rule = "must be an https:// URL, or http:// to a loopback address (localhost, 127.0.0.0/8, [::1])";
  if (typeof v !== "string") return rule;
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    return rule;
  }
  if (url.username || url.password) return "must not carry credentials in the URL";
  if (url.protocol === "https:") return undefined;
  return url.protocol === "http:" && isLoopbackHost(url.hostname) ? undefined : rule;
};

function isLoopbackHost(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** Text cut to `max` characters, saying how long it was. */
export function shorten(text: string, max = 60): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max).join("")}… (${chars.length} characters)`;
}

/** A short, printable rendering of a bad value: quoted, escaped, cut to a readable length. */
export function showValue(value: unknown): string {
  let text: string;
  if (typeof value === "string") text = JSON.stringify(value);
  else if (typeof value === "number" || typeof value === "boolean") text = String(value);
  else {
    try {
      text = `${Array.isArray(value) ? "array" : typeof value} ${JSON.stringify(value)}`;
    } catch {
      text = typeof value;
    }
  }
  return shorten(text);
}
