/**
 * Runs once before any test file: the tools several suites use are made or checked here, so that
 * the files Jest runs side by side never build the same one at once: the Pulumi CLI with its
 * Python virtualenv (npm test's pretest made them; this finds them current) and the plugin's Java
 * SDK in the local Maven repository.
 */
import { ensureJavaSdk, ensurePulumiCli } from "../../tools/pulumi-cli";

export default async function globalSetup(): Promise<void> {
  await ensurePulumiCli();
  await ensureJavaSdk();
}
