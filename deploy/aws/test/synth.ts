// Both stages synthesized once, as `cdk synth` would (cdk-nag's AwsSolutions pack and
// CloudFormation's own rules on: any unacknowledged finding throws), for the tests.
import * as fs from "node:fs";
import * as path from "node:path";

import { App, Validations } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { AwsSolutionsChecks } from "cdk-nag";

import { FinStack, FinStackProps } from "../lib/stack";
import { Stage, stageNamed } from "../lib/stage";
import { suppressions } from "../lib/suppressions";

export interface Synthesized {
  readonly template: Template;
  readonly json: string;
  readonly stack: FinStack;
  readonly stage: Stage;
}

/** cdk.json's context: the tests synthesize with the flags `cdk synth` uses. */
export const appContext = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "cdk.json"), "utf8")).context;

export function synth(name: string, extra: Partial<FinStackProps> = {}): Synthesized {
  const app = new App({ context: appContext });
  const stage = stageNamed(name);
  const stack = new FinStack(app, `fin-${name}`, {
    stage,
    hostname: "fin.example.com",
    env: { region: "us-east-1" },
    ...extra,
  });
  suppressions(stack, stage);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  // Throws on any unacknowledged cdk-nag finding or CloudFormation rule.
  app.synth();
  const template = Template.fromStack(stack);
  return { template, json: JSON.stringify(template.toJSON()), stack, stage };
}

export const stages: Record<"dev" | "prod", Synthesized> = { dev: synth("dev"), prod: synth("prod") };
