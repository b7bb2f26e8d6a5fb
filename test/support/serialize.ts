import { execFileSync } from "child_process";
import * as path from "path";

export const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSENTINELKEY";

/** Serializes the provider in a plain Node child process, as a Pulumi program would. */
export function serializeIn(programDir: string) {
  const out = execFileSync(process.execPath, [path.join(__dirname, "..", "fixtures", "serialize-provider.js")], {
    cwd: programDir,
    env: {
      ...process.env,
      AWS_ACCESS_KEY_ID: "AKIASENTINEL0000",
      AWS_SECRET_ACCESS_KEY: SECRET,
      AWS_SESSION_TOKEN: "token-sentinel",
    },
    encoding: "utf8",
  });
  return JSON.parse(out) as {
    providerText: string;
    methods: string[];
    validFailures: unknown[];
    invalidFailures: { property: string; reason: string }[];
    /** The assumeRole inputs of two resources, as the engine receives them (secrets wrapped). */
    assumeRoles: Record<"hop" | "plain", Record<string, unknown>>;
    /** A MaterializedViewRefreshGroup's serialized provider, its methods, and what its check refused. */
    group: { providerText: string; methods: string[]; failures: { property: string; reason: string }[] };
  };
}
