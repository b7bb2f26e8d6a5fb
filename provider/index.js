// The glue-mv-refresh provider plugin, as Pulumi's Node.js language host runs it (PulumiPlugin.yaml).
require("pulumi-glue-mv-refresh/plugin");
