// A program whose resources come from stack config, so each end-to-end test declares its own.
import * as pulumi from "@pulumi/pulumi";
import { MaterializedViewRefresh, type MaterializedViewRefreshArgs } from "pulumi-glue-mv-refresh";

const config = new pulumi.Config();
for (const { name, args } of config.requireObject<{ name: string; args: MaterializedViewRefreshArgs }[]>("refreshes")) {
  new MaterializedViewRefresh(name, args);
}
