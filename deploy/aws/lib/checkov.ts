import { CfnResource } from "aws-cdk-lib";
import { IConstruct } from "constructs";

import type { FinStack } from "./stack";

interface Skip {
  readonly id: string;
  readonly comment: string;
}

function skip(resource: IConstruct | undefined, ...skips: Skip[]): void {
  const cfn = (resource instanceof CfnResource ? resource : resource?.node.defaultChild) as CfnResource | undefined;
  if (!cfn) {
    throw new Error(`checkov skip for a construct with no CloudFormation resource: ${resource?.node.path}`);
  }
  const existing = (cfn.getMetadata("checkov")?.skip ?? []) as Skip[];
  cfn.addMetadata("checkov", { skip: [...existing, ...skips] });
}

/**
 * The checkov findings (CloudFormation) this stack accepts, each in the resource's own
 * metadata with why — checkov reads them there. Anything else fails `check.sh`.
 */
export function checkovSkips(stack: FinStack): void {
  // The stack defines no Lambda function of its own: every one is CDK's, run by
  // CloudFormation during a deploy (kubectl and Helm for the cluster,
  // emptying the default security group, CDK's JSON helpers).
  for (const construct of stack.node.findAll()) {
    if (construct instanceof CfnResource && construct.cfnResourceType === "AWS::Lambda::Function") {
      skip(
        construct,
        { id: "CKV_AWS_115", comment: "CDK's deploy-time function: CloudFormation calls it once per change, no concurrency to cap" },
        { id: "CKV_AWS_116", comment: "CDK's deploy-time function: a failure fails the deploy, which CloudFormation reports and rolls back" },
        { id: "CKV_AWS_117", comment: "CDK's deploy-time function: it calls AWS APIs only (the kubectl one does run in the VPC)" },
        { id: "CKV_AWS_173", comment: "CDK's deploy-time function: its environment holds names and settings, no secret" },
      );
    }
  }
  const cluster = stack.cluster.cluster;
  const albPolicy = cluster.albController?.node
    .findAll()
    .find((c) => c instanceof CfnResource && c.cfnResourceType === "AWS::IAM::Policy");
  skip(albPolicy, {
    id: "CKV_AWS_111",
    comment: "The AWS Load Balancer Controller's published policy: load balancers and target groups are named at run time",
  });
  skip(
    stack.ingress.node.findChild("Group"),
    { id: "CKV_AWS_260", comment: "Port 80 only answers a redirect to 443 (the listener has no target)" },
  );
  skip(
    stack.ingress.node.findChild("AccessLogs"),
    { id: "CKV_AWS_18", comment: "The load balancer's access-log bucket: logging its own access would need another bucket" },
  );
}
