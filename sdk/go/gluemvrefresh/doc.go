// Refreshes AWS Glue Data Catalog materialized views in a Pulumi deployment, and records the run that did it.
package gluemvrefresh
