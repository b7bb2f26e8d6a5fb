// The release pipeline's program: refreshes the release's views when their schema version changes,
// and exports each view's recorded run as `runs` (deploy.sh reads the runs from the stack's state).
import * as pulumi from "@pulumi/pulumi";
import { MaterializedViewRefresh } from "pulumi-glue-mv-refresh";

const config = new pulumi.Config();
const databaseName = config.get("databaseName") ?? "sales";
const tables = config.getObject<string[]>("views") ?? ["daily_totals_mv", "weekly_totals_mv"];
// Bump in the same commit as the views' definitions: the release's deployment refreshes them once.
const schemaVersion = config.getNumber("schemaVersion") ?? 1;

/** Per view (`database.table`): the run that last refreshed it, and how it ended. */
export const runs = Object.fromEntries(
  tables.map((tableName) => {
    const refresh = new MaterializedViewRefresh(tableName, { databaseName, tableName, triggers: { schemaVersion } });
    return [`${databaseName}.${tableName}`, { runId: refresh.runId, status: refresh.status }];
  }),
);
