/**
 * What users declare, turned into the provider's inputs, in the program: a `view` into names and
 * region, the view's definition and the sources into triggers, a role's external id made secret.
 * MaterializedViewRefresh and each member of a MaterializedViewRefreshGroup go through here.
 */
import * as pulumi from "@pulumi/pulumi";
import type { AssumeRoleArgs } from "../model/inputs";
import { sourceInputs } from "./sources";
import { DEFINITION_TRIGGER, tableDefinition, type GlueTableLike } from "./view";

/** The arguments that name a view and say when it refreshes. */
export interface ViewArguments {
  readonly view?: GlueTableLike;
  readonly refreshOnViewChange?: boolean;
  readonly sources?: readonly unknown[];
  readonly databaseName?: pulumi.Input<string>;
  readonly tableName?: pulumi.Input<string>;
  readonly catalogId?: pulumi.Input<string>;
  readonly region?: pulumi.Input<string>;
  readonly triggers?: pulumi.Input<Record<string, unknown>>;
  readonly assumeRole?: pulumi.Input<AssumeRoleArgs>;
}

/**
 * The provider's inputs for a refresh's arguments. `subject` names it in errors, e.g.
 * `MaterializedViewRefresh "daily"`; arguments other than those of {@link ViewArguments} pass through.
 */
export function refreshInputs(subject: string, args: ViewArguments): Record<string, unknown> {
  const { view, refreshOnViewChange, sources, assumeRole, ...rest } = args;
  const fail = (rule: string) => new Error(`${subject}: ${rule}`);
  const triggers: pulumi.Input<Record<string, unknown>>[] = [rest.triggers ?? {}];
  const inputs: Record<string, unknown> = { ...rest };
  if (assumeRole !== undefined) inputs.assumeRole = withSecretExternalId(assumeRole);
  if (!view) {
    if (refreshOnViewChange !== undefined) throw fail("refreshOnViewChange applies only with view");
    const missing = (["databaseName", "tableName"] as const).filter((key) => rest[key] === undefined);
    if (missing.length > 0) throw fail(`give view, or databaseName and tableName (${missing.join(" and ")} missing)`);
  } else {
    const named = (["catalogId", "databaseName", "tableName"] as const).filter((key) => rest[key] !== undefined);
    if (named.length > 0) {
      throw fail(`give either view or ${named.join(" and ")}, not both: the view names the table`);
    }
    Object.assign(inputs, {
      catalogId: view.catalogId,
      databaseName: view.databaseName,
      tableName: view.name,
      region: rest.region ?? view.region,
    });
    if (refreshOnViewChange !== false) {
      triggers.push(tableDefinition(view).apply((hash) => ({ [DEFINITION_TRIGGER]: hash })));
    }
  }
  if (sources !== undefined) {
    const fromSources = sourceInputs(subject, sources, view);
    triggers.push(fromSources.triggers);
    inputs.upstreams = fromSources.upstreams;
  }
  if (triggers.length > 1) {
    inputs.triggers = pulumi.all(triggers).apply((parts) => Object.assign({}, ...parts) as Record<string, unknown>);
  }
  return inputs;
}

/** The role with its external id (when it has one) marked secret, and the rest left readable. */
export function withSecretExternalId(role: pulumi.Input<AssumeRoleArgs>) {
  const r = pulumi.output(role);
  return {
    roleArn: r.roleArn,
    sessionName: r.sessionName,
    durationSeconds: r.durationSeconds,
    externalId: r.apply(({ externalId }) => (externalId === undefined ? undefined : pulumi.secret(externalId))),
  };
}
