// Refreshes AWS Glue materialized views with the glue-mv-refresh provider plugin: a view, a view
// built on it (refreshed after it, in the same deployment), and a group of views refreshed together.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	mv "pulumi-glue-mv-refresh/sdk/go/gluemvrefresh"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		schemaVersion := cfg.GetInt("schemaVersion")
		if schemaVersion == 0 {
			schemaVersion = 1
		}
		timeout := cfg.GetFloat64("timeoutMinutes")
		if timeout == 0 {
			timeout = 60
		}

		daily, err := mv.NewMaterializedViewRefresh(ctx, "daily", &mv.MaterializedViewRefreshArgs{
			DatabaseName: pulumi.String("sales"),
			TableName:    pulumi.String("daily_totals_mv"),
			// Bump schemaVersion with each change to the view's definition: the next `pulumi up` refreshes it.
			Triggers:       pulumi.Map{"schemaVersion": pulumi.Int(schemaVersion)},
			TimeoutMinutes: pulumi.Float64(timeout),
		})
		if err != nil {
			return err
		}

		weekly, err := mv.NewMaterializedViewRefresh(ctx, "weekly", &mv.MaterializedViewRefreshArgs{
			DatabaseName: pulumi.String("sales"),
			TableName:    pulumi.String("weekly_totals_mv"),
			// Built on the daily view: refreshed after it, whenever it was refreshed.
			Upstreams: mv.UpstreamRunArray{daily.Upstream},
		})
		if err != nil {
			return err
		}

		regional, err := mv.NewMaterializedViewRefreshGroup(ctx, "regional", &mv.MaterializedViewRefreshGroupArgs{
			Views: mv.GroupMemberMap{
				"east": mv.GroupMemberArgs{DatabaseName: pulumi.String("sales"), TableName: pulumi.String("east_totals_mv")},
				"west": mv.GroupMemberArgs{DatabaseName: pulumi.String("sales"), TableName: pulumi.String("west_totals_mv")},
			},
			MaxConcurrent: pulumi.Int(2),
		})
		if err != nil {
			return err
		}

		ctx.Export("dailyRunId", daily.RunId)
		ctx.Export("weeklyRunId", weekly.RunId)
		ctx.Export("regionalRunIds", regional.Runs.ApplyT(func(runs map[string]mv.GroupRun) map[string]string {
			ids := map[string]string{}
			for key, run := range runs {
				ids[key] = run.RunId
			}
			return ids
		}))
		return nil
	})
}
