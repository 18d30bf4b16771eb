import { Stack, Validations } from "aws-cdk-lib";

import { Stage } from "./stage";

/**
 * The cdk-nag (AwsSolutions) findings this stack accepts, each with why. Anything not
 * here fails the build (test/stack.test.ts).
 */
export function suppressions(stack: Stack, stage: Stage): void {
  for (const acknowledged of [
    {
      id: "AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]",
      reason:
        "RDS enhanced monitoring's own role policy, kept by AWS: it lets the RDS agent write the RDSOSMetrics log group and nothing else.",
    },
    {
      id: "AwsSolutions-RDS11",
      reason:
        "Postgres listens on 5432: the app's allow-list and connection strings name it, and a non-default port hides nothing a security group does not already close (only the cluster's nodes reach it).",
    },
    {
      id: "AwsSolutions-AEC5",
      reason:
        "Redis listens on 6379 for the same reason: only the cluster's nodes reach it, over TLS with an AUTH token.",
    },
    {
      id: "AwsSolutions-SMG4",
      reason:
        "The database, Redis and app secrets are read into the cluster at deploy time (External Secrets); rotating them needs the app's pods restarted with the new value, which the runbook does by hand (docs/operations.md) until the rotation hook lands.",
    },
  ]) {
    Validations.of(stack).acknowledge(acknowledged);
  }
  if (stage.name === "dev") {
    for (const acknowledged of [
      { id: "AwsSolutions::AwsSolutions-RDS3", reason: "dev runs one Postgres instance to halve its cost; prod is Multi-AZ (test/stack.test.ts holds it to that)." },
      { id: "AwsSolutions::AwsSolutions-RDS10", reason: "dev is torn down with `cdk destroy`; prod has deletion protection (test/stack.test.ts holds it to that)." },
      { id: "AwsSolutions::AwsSolutions-AEC4", reason: "dev runs one Redis node; prod has a replica in another zone with automatic failover." },
    ]) {
      Validations.of(stack).acknowledge(acknowledged);
    }
  }
}
