// Refreshes AWS Glue materialized views with the glue-mv-refresh provider plugin: a view, a view
// built on it (refreshed after it, in the same deployment), and a group of views refreshed together.
package gluemvrefresh.example;

import com.pulumi.Context;
import com.pulumi.Pulumi;
import com.pulumi.core.Output;
import com.pulumi.gluemvrefresh.MaterializedViewRefresh;
import com.pulumi.gluemvrefresh.MaterializedViewRefreshArgs;
import com.pulumi.gluemvrefresh.MaterializedViewRefreshGroup;
import com.pulumi.gluemvrefresh.MaterializedViewRefreshGroupArgs;
import com.pulumi.gluemvrefresh.inputs.GroupMemberArgs;
import com.pulumi.gluemvrefresh.inputs.UpstreamRunArgs;
import com.pulumi.gluemvrefresh.outputs.UpstreamRun;
import java.util.Map;
import java.util.TreeMap;

public final class App {
    public static void main(String[] args) {
        Pulumi.run(App::stack);
    }

    static void stack(Context ctx) {
        var config = ctx.config();

        var daily = new MaterializedViewRefresh("daily", MaterializedViewRefreshArgs.builder()
            .databaseName("sales")
            .tableName("daily_totals_mv")
            // Bump schemaVersion with each change to the view's definition: the next `pulumi up` refreshes it.
            .triggers(Map.of("schemaVersion", config.getInteger("schemaVersion").orElse(1)))
            .timeoutMinutes(config.getDouble("timeoutMinutes").orElse(60.0))
            .build());

        var weekly = new MaterializedViewRefresh("weekly", MaterializedViewRefreshArgs.builder()
            .databaseName("sales")
            .tableName("weekly_totals_mv")
            // Built on the daily view: refreshed after it, whenever it was refreshed.
            .upstreams(upstreamOf(daily))
            .build());

        var regional = new MaterializedViewRefreshGroup("regional", MaterializedViewRefreshGroupArgs.builder()
            .views(Map.of(
                "east", GroupMemberArgs.builder().databaseName("sales").tableName("east_totals_mv").build(),
                "west", GroupMemberArgs.builder().databaseName("sales").tableName("west_totals_mv").build()))
            .maxConcurrent(2)
            .build());

        ctx.export("dailyRunId", daily.runId());
        ctx.export("weeklyRunId", weekly.runId());
        ctx.export("regionalRunIds", regional.runs().applyValue(runs -> {
            var ids = new TreeMap<String, String>();
            runs.forEach((key, run) -> ids.put(key, run.runId()));
            return ids;
        }));
    }

    /** A refresh's `upstream` output as an input of the views built on it, field by field. */
    static UpstreamRunArgs upstreamOf(MaterializedViewRefresh view) {
        Output<UpstreamRun> upstream = view.upstream();
        return UpstreamRunArgs.builder()
            .catalogId(upstream.applyValue(UpstreamRun::catalogId))
            .databaseName(upstream.applyValue(UpstreamRun::databaseName))
            .tableName(upstream.applyValue(UpstreamRun::tableName))
            .region(upstream.applyValue(UpstreamRun::region))
            .runId(upstream.applyValue(UpstreamRun::runId))
            .status(upstream.applyValue(UpstreamRun::status))
            .build();
    }
}
