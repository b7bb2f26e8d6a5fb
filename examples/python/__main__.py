"""Refreshes AWS Glue materialized views with the glue-mv-refresh provider plugin: a view, a view
built on it (refreshed after it, in the same deployment), and a group of views refreshed together."""

import pulumi
import pulumi_glue_mv_refresh as mv

config = pulumi.Config()

daily = mv.MaterializedViewRefresh(
    "daily",
    database_name="sales",
    table_name="daily_totals_mv",
    # Bump schemaVersion with each change to the view's definition: the next `pulumi up` refreshes it.
    triggers={"schemaVersion": config.get_int("schemaVersion") or 1},
    timeout_minutes=config.get_float("timeoutMinutes"),
)

weekly = mv.MaterializedViewRefresh(
    "weekly",
    database_name="sales",
    table_name="weekly_totals_mv",
    # Built on the daily view: refreshed after it, whenever it was refreshed.
    upstreams=[daily.upstream],
)

regional = mv.MaterializedViewRefreshGroup(
    "regional",
    views={
        "east": mv.GroupMemberArgs(database_name="sales", table_name="east_totals_mv"),
        "west": mv.GroupMemberArgs(database_name="sales", table_name="west_totals_mv"),
    },
    max_concurrent=2,
)

pulumi.export("dailyRunId", daily.run_id)
pulumi.export("weeklyRunId", weekly.run_id)
pulumi.export("regionalRunIds", regional.runs.apply(lambda runs: {key: run.run_id for key, run in runs.items()}))
