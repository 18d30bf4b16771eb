#!/usr/bin/env node
import { App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";

import { FinStack } from "../lib/stack";
import { stageNamed } from "../lib/stage";
import { suppressions } from "../lib/suppressions";

const app = new App();
const stage = stageNamed(app.node.tryGetContext("stage"));
const stack = new FinStack(app, `fin-${stage.name}`, {
  stage,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  description: `Fin-Freelancer (${stage.name}): network, Postgres, Redis, registry, alarms`,
});
suppressions(stack, stage);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
