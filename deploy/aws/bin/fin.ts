#!/usr/bin/env node
import { App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";

import { FinStack } from "../lib/stack";
import { stageNamed } from "../lib/stage";
import { suppressions } from "../lib/suppressions";

const app = new App();
const stage = stageNamed(app.node.tryGetContext("stage"));
const hostname = app.node.tryGetContext("hostname");
if (typeof hostname !== "string" || !/^[a-z0-9.-]+\.[a-z]{2,}$/.test(hostname)) {
  throw new Error(`the API's hostname is required: cdk … -c hostname=fin.example.com (got ${JSON.stringify(hostname)})`);
}
const stack = new FinStack(app, `fin-${stage.name}`, {
  stage,
  hostname,
  certificateArn: app.node.tryGetContext("certificateArn"),
  withApp: String(app.node.tryGetContext("app") ?? "true") !== "false",
  // The region must be known when synthesizing (the load balancer's log delivery is
  // regional): the CLI's profile gives it, `-c region=…` when there is none (make test).
  env: {
    account: process.env.CDK_DEFAULT_ACCOUNT,
    region: process.env.CDK_DEFAULT_REGION ?? app.node.tryGetContext("region"),
  },
  description: `Fin-Freelancer (${stage.name}): network, EKS with SpinKube, Postgres, Redis, registry, the app, alarms`,
});
suppressions(stack, stage);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
