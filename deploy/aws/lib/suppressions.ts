import { Validations } from "aws-cdk-lib";
import { IConstruct } from "constructs";

import type { FinStack } from "./stack";
import { Stage } from "./stage";

const managed = (policy: string) =>
  `AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${policy}]`;

function acknowledge(scope: IConstruct, reason: string, ...ids: string[]): void {
  for (const id of ids) {
    Validations.of(scope).acknowledge({ id, reason });
  }
}

/**
 * The cdk-nag (AwsSolutions) findings this stack accepts, each with why. Anything not
 * here fails the build (test/stack.test.ts).
 */
export function suppressions(stack: FinStack, stage: Stage): void {
  const cluster = stack.cluster;
  acknowledge(
    cluster,
    "EKS's own managed policies for the cluster's role and its nodes (AmazonEKSClusterPolicy, AmazonEKSWorkerNodePolicy, AmazonEKS_CNI_Policy, AmazonEC2ContainerRegistryReadOnly): what EKS documents as required, kept current by AWS as EKS changes.",
    managed("AmazonEKSClusterPolicy"),
    managed("AmazonEKSWorkerNodePolicy"),
    managed("AmazonEKS_CNI_Policy"),
    managed("AmazonEC2ContainerRegistryReadOnly"),
  );
  acknowledge(
    cluster,
    "CDK's kubectl function (it applies the charts and manifests from inside the VPC, the API endpoint being private): its role is CDK's, with Lambda's managed execution policies, the public-ECR read it needs for OCI charts, and invoke rights on its own versions; its Python runtime is pinned by aws-cdk-lib and moves with it.",
    managed("service-role/AWSLambdaBasicExecutionRole"),
    managed("service-role/AWSLambdaVPCAccessExecutionRole"),
    'AwsSolutions::AwsSolutions-IAM4[Policy::{"Fn::If":["ClusterEksKubectlProviderHandlerHasEcrPublic454A6214",{"Fn::Join":["",["arn:",{"Ref":"AWS::Partition"},":iam::aws:policy/AmazonElasticContainerRegistryPublicReadOnly"]]},{"Ref":"AWS::NoValue"}]}]',
    "AwsSolutions::AwsSolutions-IAM5[Resource::<ClusterEksKubectlProviderHandler59BB3552.Arn>:*]",
    "AwsSolutions::AwsSolutions-L1",
  );
  acknowledge(
    cluster,
    "aws-cdk-lib writes the cluster's secrets encryption as `EncryptionConfig[].Resources: [secrets]`, which CloudFormation's schema now marks deprecated but still takes; it is the library's to change.",
    "CloudFormation-Validate::W9009",
  );
  acknowledge(
    cluster.cluster.albController!,
    "The AWS Load Balancer Controller's published IAM policy (it registers fin-api's pods in the target group and manages the groups it creates): load balancers, listeners and target groups are named at run time, so the policy names them by pattern, as upstream's does.",
    ...[
      "*",
      "arn:<AWS::Partition>:ec2:*:*:security-group/*",
      "arn:<AWS::Partition>:elasticloadbalancing:*:*:targetgroup/*/*",
      "arn:<AWS::Partition>:elasticloadbalancing:*:*:loadbalancer/net/*/*",
      "arn:<AWS::Partition>:elasticloadbalancing:*:*:loadbalancer/app/*/*",
      "arn:<AWS::Partition>:elasticloadbalancing:*:*:listener/net/*/*/*",
      "arn:<AWS::Partition>:elasticloadbalancing:*:*:listener/app/*/*/*",
      "arn:<AWS::Partition>:elasticloadbalancing:*:*:listener-rule/net/*/*/*",
      "arn:<AWS::Partition>:elasticloadbalancing:*:*:listener-rule/app/*/*/*",
    ].map((r) => `AwsSolutions::AwsSolutions-IAM5[Resource::${r}]`),
  );
  acknowledge(
    cluster,
    "CloudWatchAgentServerPolicy on the nodes' role: what the CloudWatch Observability add-on documents for shipping the containers' logs and Container Insights from each node.",
    managed("CloudWatchAgentServerPolicy"),
  );
  acknowledge(
    stack.telemetry.account,
    "The collector's role: X-Ray's write actions take no resource (AWS documents `*` for them), and the metrics log group is named with its streams' wildcard (`/fin/<stage>/metrics:*`), which CloudWatch Logs requires for PutLogEvents.",
    "AwsSolutions::AwsSolutions-IAM5[Resource::*]",
    `AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:${stack.region}:<AWS::AccountId>:log-group:/fin/${stage.name}/metrics:*]`,
  );
  acknowledge(
    stack.ingress.node.findChild("Group"),
    "The API is public: its load balancer takes HTTPS (and HTTP, which only redirects) from anywhere; nothing else is open to the internet.",
    "AwsSolutions::AwsSolutions-EC23",
  );
  acknowledge(
    stack.ingress.node.findChild("AccessLogs"),
    "This bucket holds the load balancer's access logs; logging access to the log bucket would need yet another bucket, and it is private, TLS-only and versioned.",
    "AwsSolutions::AwsSolutions-S1",
  );
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
        "The database, Redis and app secrets and the metrics token are read into the cluster at deploy time (External Secrets); rotating them needs the app's pods restarted with the new value, which the runbook does by hand (docs/operations.md) until the rotation hook lands.",
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
