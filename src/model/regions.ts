/**
 * Regions as the AWS SDK knows them, for error messages only: a region the SDK's partition data
 * does not list is never refused (new regions appear before package updates, and @pulumi/aws
 * skips region validation by default), but when its endpoint cannot be reached the message says
 * so and names the nearest regions the SDK knows.
 */
import { partition } from "@aws-sdk/core/client";

/** Whether the SDK's partition data lists the region (a known region carries a description). */
export function isKnownRegion(region: string): boolean {
  return (partition(region) as { description?: string }).description !== undefined;
}

/** The shape of every regional name (area, words, number); a cheap filter before the SDK's lookup. */
const REGION_SHAPE = /^[a-z]+(-[a-z]+)+-\d+$/;
const isKnownRegional = (name: string) => REGION_SHAPE.test(name) && isKnownRegion(name);

/** The characters of region names, for generating near misses. */
const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789-";

/** Every string one edit away: a character deleted, swapped with the next, replaced or inserted. */
function oneEditAway(word: string): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i <= word.length; i++) {
    const [head, tail] = [word.slice(0, i), word.slice(i)];
    if (tail) out.add(head + tail.slice(1));
    if (tail.length > 1) out.add(head + tail[1] + tail[0] + tail.slice(2));
    for (const c of ALPHABET) {
      if (tail) out.add(head + c + tail.slice(1));
      out.add(head + c + tail);
    }
  }
  return out;
}

/** The word with its hyphens placed anew: two hyphens anywhere ("useast1" gives "us-east-1"). */
function rehyphenated(word: string): Set<string> {
  const bare = word.replace(/-/g, "");
  const out = new Set<string>();
  for (let i = 1; i < bare.length; i++)
    for (let j = i + 1; j < bare.length; j++) out.add(`${bare.slice(0, i)}-${bare.slice(i, j)}-${bare.slice(j)}`);
  return out;
}

/**
 * The known regions nearest to `region`, alphabetical, at most `limit`: those one edit away (a
 * character deleted, swapped, replaced or inserted), else one edit away from the name with its
 * hyphens placed anew. The SDK exposes a lookup of its partition data but not a list of it, so
 * candidates are generated and looked up.
 */
export function nearestRegions(region: string, limit = 3): string[] {
  const word = region
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, "-");
  if (word.length === 0 || word.length > 30) return [];
  if (isKnownRegion(word)) return [word];
  const found = new Set([...oneEditAway(word)].filter(isKnownRegional));
  if (found.size === 0) {
    for (const variant of rehyphenated(word))
      for (const candidate of oneEditAway(variant)) if (isKnownRegional(candidate)) found.add(candidate);
  }
  return [...found].sort().slice(0, limit);
}

/** A sentence about the region for a message, or undefined when the SDK knows the region. */
export function unknownRegionHint(region: string): string | undefined {
  if (isKnownRegion(region)) return undefined;
  const near = nearestRegions(region);
  const guess = near.length > 0 ? `; did you mean ${near.join(" or ")}?` : "";
  return `Region "${region}" is not one the AWS SDK knows${guess}`;
}
