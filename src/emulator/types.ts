/**
 * The emulator's public types: what a test or a harness passes in and reads back.
 */

/** A materialized view in the emulated Data Catalog. */
export interface EmulatedView {
  /** The Data Catalog that holds the view. @default the emulator's account id */
  readonly catalogId?: string;
  /** The Glue database that holds the view. */
  readonly databaseName: string;
  /** The materialized view's table name. */
  readonly tableName: string;
}

/** A test access key the emulator knows, so that it verifies signatures made with it. */
export interface EmulatorCredentials {
  /** The access key id. */
  readonly accessKeyId: string;
  /** The secret access key. */
  readonly secretAccessKey: string;
  /**
   * A session token, for temporary credentials handed to the pipeline as they are (static session
   * keys): requests must carry it in X-Amz-Security-Token. @default none: long-term keys
   */
  readonly sessionToken?: string;
  /** When these credentials expire, in emulated epoch milliseconds. @default never */
  readonly expiresAt?: number;
  /** The account the key belongs to. @default the emulator's account id */
  readonly accountId?: string;
}

/** An IAM role that STS AssumeRole hands out temporary credentials for. */
export interface EmulatedRole {
  /** The role's ARN, e.g. "arn:aws:iam::222222222222:role/deploy"; its account is where sessions act. */
  readonly roleArn: string;
  /** The sts:ExternalId the trust policy requires. @default none required */
  readonly externalId?: string;
  /**
   * Who the trust policy lets assume the role: account ids, "arn:aws:iam::ACCOUNT:root", user ARNs
   * or role ARNs (whose sessions may then chain into this role). @default everyone
   */
  readonly trustedPrincipals?: readonly string[];
  /** The role's maximum session duration, 3600 to 43200 seconds. @default 3600 */
  readonly maxSessionDurationSeconds?: number;
}

/** Temporary credentials the emulator's STS AssumeRole issued, for assertions. */
export interface IssuedCredentials {
  /** The temporary access key id, ASIA…. */
  readonly accessKeyId: string;
  /** The secret that signs with it. */
  readonly secretAccessKey: string;
  /** The token requests must carry in X-Amz-Security-Token. */
  readonly sessionToken: string;
  /** The role assumed. */
  readonly roleArn: string;
  /** The RoleSessionName given. */
  readonly sessionName: string;
  /** The access key id that signed the AssumeRole request. */
  readonly issuedTo: string;
  /** Emulated epoch milliseconds. */
  readonly expiration: number;
}

/** How to start an emulator. */
export interface EmulatorOptions {
  /** The TCP port to listen on; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** The address to listen on. @default "127.0.0.1" */
  readonly host?: string;
  /** The account of keys that name none: their default CatalogId and GetCallerIdentity's Account. @default "123456789012" */
  readonly accountId?: string;
  /** Views the catalog starts with; a view without catalogId is in the account's catalog. @default [] */
  readonly views?: readonly EmulatedView[];
  /** A JSON file `{ "views": [ ... ] }` whose views are added to `views`. @default none */
  readonly viewsFile?: string;
  /**
   * Serve every view a request names as a materialized view, added on first use: for running a
   * program whose views are not listed (an example, a demo). @default false: only the listed views
   */
  readonly anyView?: boolean;
  /** Emulated time a run takes from Start to its end. @default 60_000 */
  readonly runDurationMs?: number;
  /** Emulated time a run spends in STARTING before RUNNING. @default 5_000 */
  readonly startingMs?: number;
  /** Emulated time from a Stop request to the run's STOPPED status. @default 5_000 */
  readonly stopDelayMs?: number;
  /** Emulated milliseconds per real millisecond; 1000 makes a 10-minute run take 0.6 s. @default 1 */
  readonly clockScale?: number;
  /**
   * How far the emulated AWS clock stands from this machine's, in ms: run times, credential
   * expirations and the Date header all come from the shifted clock. -30_000 plays a provider host
   * whose clock runs 30 s fast. Requests signed more than 5 minutes off the shifted clock are
   * refused, as AWS refuses them. @default 0
   */
  readonly clockOffsetMs?: number;
  /** Access keys whose request signatures are verified; other keys are accepted unverified. @default [] */
  readonly credentials?: readonly EmulatorCredentials[];
  /** Roles STS AssumeRole can hand out. @default [] */
  readonly roles?: readonly EmulatedRole[];
  /** Faults to inject from the first request on. @default no faults */
  readonly faults?: Faults;
  /** Seeds every random fault decision, so that a test sees the same faults on every run. @default 1 */
  readonly seed?: number;
}

/** Injected faults. Ratios are fractions of requests, from 0 (never) to 1 (always). */
export interface Faults {
  /** Fraction of requests answered 400 ThrottlingException (the SDK retries these). @default 0 */
  readonly throttleRatio?: number;
  /** Token-bucket limit on all requests per real second; beyond it 400 ThrottlingException. @default no limit */
  readonly requestsPerSecond?: number;
  /** Fraction answered 500 InternalServiceException or 503 ServiceUnavailableException before processing. @default 0 */
  readonly serverErrorRatio?: number;
  /** Fraction processed (e.g. the run is started) and then answered 500 InternalServiceException. @default 0 */
  readonly serverErrorAfterProcessingRatio?: number;
  /** Fraction whose connection is destroyed without a response, before processing. @default 0 */
  readonly dropRatio?: number;
  /** Fraction processed and then their connection destroyed without a response. @default 0 */
  readonly dropAfterProcessingRatio?: number;
  /** Real milliseconds added before answering each request. @default 0 */
  readonly latencyMs?: number;
  /** Fraction of Glue requests answered 400 OperationTimeoutException. @default 0 */
  readonly operationTimeoutRatio?: number;
  /** Start answers ResourceNumberLimitExceededException while this many runs are active across all views. @default no limit */
  readonly maxConcurrentRuns?: number;
  /** Views on which every Glue operation answers AccessDeniedException. @default [] */
  readonly accessDenied?: readonly EmulatedView[];
  /** Operation names the ratio faults apply to, e.g. ["StartMaterializedViewRefreshTaskRun"]. @default all operations */
  readonly operations?: readonly string[];
  /** How many ratio faults may be injected in all; after that, none. @default no limit */
  readonly maxFaults?: number;
  /**
   * Emulated milliseconds by which Get and List lag behind writes: they answer from the catalog as
   * it stood this long ago, so a run that Start just created is unknown to them at first and a
   * run's status reaches them late. Start and Stop act on the current state. @default 0
   */
  readonly consistencyLagMs?: number;
}

/** One request as the emulator saw and answered it. */
export interface RequestLogEntry {
  /** When the request arrived, in real epoch milliseconds. */
  readonly time: number;
  /**
   * The emulated time at which the operation saw the catalog, in emulated epoch milliseconds: a Get
   * answered at or after a run's end reports it ended. Absent for a request refused before that.
   */
  readonly emulatedTime?: number;
  /** The operation, e.g. "StartMaterializedViewRefreshTaskRun" or "GetCallerIdentity"; the raw target when unknown. */
  readonly operation: string;
  /** The request id answered in x-amzn-RequestId. */
  readonly requestId: string;
  /** The parsed body: a JSON value, or the STS form fields. */
  readonly input: unknown;
  /** The HTTP status answered, or 0 when the connection was dropped. */
  readonly status: number;
  /** The AWS error answered, e.g. "ThrottlingException". */
  readonly errorType?: string;
  /** The injected fault that decided this answer, named as its `Faults` member, e.g. "throttleRatio". */
  readonly fault?: string;
  /** The amz-sdk-request header, e.g. "attempt=2; max=3". */
  readonly attempt?: string;
  /** The access key id named in the Authorization header. */
  readonly accessKeyId?: string;
}

/** Where a run is in its life, as Glue reports it. */
export type EmulatedRunStatus = "STARTING" | "RUNNING" | "SUCCEEDED" | "FAILED" | "STOPPED";

/** The emulator's own record of a run, for assertions. */
export interface EmulatedRun {
  /** The MaterializedViewRefreshTaskRunId. */
  readonly runId: string;
  /** The catalog of the refreshed view. */
  readonly catalogId: string;
  /** The database of the refreshed view. */
  readonly databaseName: string;
  /** The refreshed view. */
  readonly tableName: string;
  /** The status at the emulator's current time. */
  readonly status: EmulatedRunStatus;
  /** Whether the run came from the Start API or from `startRunOutOfBand` (a scheduled refresh). */
  readonly startedBy: "api" | "outOfBand";
  /** Whether the run was asked to be a full refresh. */
  readonly fullRefresh: boolean;
  /** Emulated epoch milliseconds. */
  readonly startTime: number;
  /** Emulated epoch milliseconds, once the run has ended. */
  readonly endTime?: number;
  /** The ErrorMessage of a run that ended FAILED. */
  readonly errorMessage?: string;
}

/** A running emulator. */
export interface GlueEmulator {
  /** The URL to give the SDK clients as `endpoint`, e.g. "http://127.0.0.1:PORT". */
  readonly endpoint: string;
  /**
   * The real epoch ms at which emulated time equals real time plus `clockOffsetMs`: a client clock
   * scaled by the same factor from this origin is `clockOffsetMs` away from the emulator's (before
   * any advanceTime), as a host whose clock is off is from AWS's.
   */
  readonly clockOrigin: number;
  /** How far the emulated AWS clock stands from this machine's, in ms. */
  readonly clockOffsetMs: number;
  /** The account id: the default catalog, and what STS GetCallerIdentity answers. */
  readonly accountId: string;
  /** Every request answered (or dropped) since the start or the last `resetRequests`, oldest first. */
  readonly requests: readonly RequestLogEntry[];
  /** The emulated time, epoch milliseconds. */
  now(): number;
  /** Moves the emulated clock forward by `ms` at once, so that runs progress without waiting. */
  advanceTime(ms: number): void;
  /** Adds a view to the catalog. */
  addView(view: EmulatedView): void;
  /** Every set of temporary credentials STS AssumeRole issued (for one role, or all), oldest first. */
  sessions(roleArn?: string): IssuedCredentials[];
  /** Every run ever started (of one view, or of all), oldest first. */
  runs(view?: EmulatedView): EmulatedRun[];
  /** Starts a run as a schedule would; returns its id. Throws when the view has a run in progress. */
  startRunOutOfBand(view: EmulatedView, options?: { durationMs?: number; outcome?: "SUCCEEDED" | "FAILED" }): string;
  /** The view's next `count` runs end FAILED with this ErrorMessage. */
  failNextRuns(view: EmulatedView, count: number, errorMessage?: string): void;
  /** Sets the emulated duration of runs started from now on, for one view or (undefined) the default. */
  setRunDuration(view: EmulatedView | undefined, durationMs: number): void;
  /** Replaces the active faults. */
  setFaults(faults: Faults): void;
  /** Empties `requests`. */
  resetRequests(): void;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}
