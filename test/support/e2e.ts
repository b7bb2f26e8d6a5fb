/**
 * End-to-end fixtures: the Glue emulator, and the engine harness driving a program through
 * Pulumi's provider host with credentials the emulator verifies and the same clock scale.
 */
import * as path from "path";
import { Engine, type DeploymentReport, type DeployOptions, type EngineOptions } from "../../harness";
import { startEmulator, type EmulatedView, type EmulatorOptions, type GlueEmulator } from "../../src/emulator";
import type { MaterializedViewRefreshArgs, MaterializedViewRefreshGroupArgs } from "../../src";

/** Emulated milliseconds per real millisecond, for the emulator and the provider alike. */
export const CLOCK_SCALE = 1000;
export const CREDENTIALS = {
  accessKeyId: "AKIAE2ETESTKEY000001",
  secretAccessKey: "e2e-test-secret-access-key/abcdefghij",
};
export const E2E_PROGRAM = path.join(__dirname, "..", "e2e", "program");

/**
 * The provider host's environment: the emulator's credentials, no machine AWS config, and the
 * emulator's scaled time, from the same origin so that both clocks agree.
 */
export function hostEnv(emulator: GlueEmulator, clockScale = CLOCK_SCALE): NodeJS.ProcessEnv {
  return {
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    AWS_SESSION_TOKEN: "",
    AWS_PROFILE: "",
    AWS_REGION: "",
    AWS_DEFAULT_REGION: "",
    AWS_CONFIG_FILE: path.join(__dirname, "no-aws-config"),
    AWS_SHARED_CREDENTIALS_FILE: path.join(__dirname, "no-aws-credentials"),
    AWS_EC2_METADATA_DISABLED: "true",
    GLUE_MV_REFRESH_CLOCK_SCALE: String(clockScale),
    GLUE_MV_REFRESH_CLOCK_ORIGIN: String(emulator.clockOrigin),
  };
}

export async function emulatorFor(views: EmulatedView[], options: EmulatorOptions = {}): Promise<GlueEmulator> {
  return startEmulator({ views, clockScale: CLOCK_SCALE, credentials: [CREDENTIALS], ...options });
}

/** A resource of the e2e program; its arguments may hold `output()` and `resource()` references. */
export interface Declared {
  readonly name: string;
  readonly args: MaterializedViewRefreshArgs;
  /** Names of resources declared before, as the `dependsOn` option. */
  readonly dependsOn?: readonly string[];
}

/** A Glue table of the e2e program (an aws.glue.CatalogTable, mocked by the engine harness). */
export interface DeclaredTable {
  readonly name: string;
  readonly args: Record<string, unknown>;
  readonly dependsOn?: readonly string[];
}

/** A MaterializedViewRefreshGroup of the e2e program. */
export interface DeclaredGroup {
  readonly name: string;
  readonly args: MaterializedViewRefreshGroupArgs;
  readonly dependsOn?: readonly string[];
}

/** What the e2e program declares: tables first, then refreshes, then groups. */
export type Declaration =
  | readonly Declared[]
  | {
      readonly tables?: readonly DeclaredTable[];
      readonly refreshes?: readonly Declared[];
      readonly groups?: readonly DeclaredGroup[];
    };
/** In a declared resource's arguments: an output of a resource declared before it ("a.runId"). */
export const output = (reference: string): never => ({ $output: reference }) as never;
/** In a declared resource's arguments: a resource declared before it. */
export const resource = (name: string): never => ({ $resource: name }) as never;

/** A stack of the configurable e2e program: `deploy` declares exactly the given resources. */
export class E2eStack {
  readonly engine: Engine;
  constructor(
    readonly emulator: GlueEmulator,
    options: Partial<EngineOptions> = {},
    private readonly stackConfig: Record<string, string> = { "aws:region": "us-east-1" },
  ) {
    this.engine = new Engine({ projectDir: E2E_PROGRAM, hostEnv: hostEnv(emulator), ...options });
  }

  /** Resource arguments pointing at the emulator. */
  args(args: Partial<MaterializedViewRefreshArgs> & Pick<MaterializedViewRefreshArgs, "databaseName" | "tableName">) {
    return { endpoint: this.emulator.endpoint, ...args };
  }

  up(
    resources: Declaration,
    config: Record<string, string> = this.stackConfig,
    options: DeployOptions = {},
  ): Promise<DeploymentReport> {
    return this.engine.up({ ...options, config: this.configFor(resources, config) });
  }

  preview(resources: Declaration, config: Record<string, string> = this.stackConfig): Promise<DeploymentReport> {
    return this.engine.preview({ config: this.configFor(resources, config) });
  }

  private configFor(resources: Declaration, config: Record<string, string>): Record<string, string> {
    const {
      tables = [],
      refreshes = [],
      groups = [],
    } = Array.isArray(resources)
      ? { refreshes: resources as readonly Declared[] }
      : (resources as Exclude<Declaration, readonly Declared[]>);
    return {
      ...config,
      tables: JSON.stringify(tables),
      refreshes: JSON.stringify(refreshes),
      groups: JSON.stringify(groups),
    };
  }

  /** Deploys with a refresh started out of band just before the provider host gets to work. */
  upWithScheduledRun(
    resources: Declared[],
    view: EmulatedView,
    durationMs: number,
  ): Promise<{ report: DeploymentReport; scheduled: string }> {
    let scheduled = "";
    return this.up(resources, this.stackConfig, {
      onHost: () => {
        scheduled = this.emulator.startRunOutOfBand(view, { durationMs });
      },
    }).then((report) => ({ report, scheduled }));
  }
}

/** The Start requests the emulator answered with a new run. */
export function startsAnswered(emulator: GlueEmulator): number {
  return emulator.requests.filter((r) => r.operation === "StartMaterializedViewRefreshTaskRun" && r.status === 200)
    .length;
}
