import { Stack } from "aws-cdk-lib";
import * as eks from "aws-cdk-lib/aws-eks-v2";
import * as iam from "aws-cdk-lib/aws-iam";
import { Construct } from "constructs";

import { Stage } from "./stage";

/** Pinned like SpinKube's charts (lib/spinkube.ts). */
export const COLLECTOR_CHART = "0.170.0";

/** Where the app's Spin processes send OTLP (the executor's `otel` binding, lib/workload.ts). */
export const COLLECTOR_ENDPOINT = "http://otel-collector.observability.svc.cluster.local:4318";

/**
 * Seeing the app run on AWS: an OpenTelemetry collector (the contrib distribution) that
 * takes OTLP from every Spin process — each request's trace, docs/observability.md —
 * and sends traces to X-Ray and metrics to CloudWatch (EMF, namespace `FinFreelancer`);
 * and the CloudWatch Observability add-on, which ships every container's output (Spin's
 * and the components' logs) to CloudWatch Logs.
 */
export class Telemetry extends Construct {
  readonly collector: eks.HelmChart;
  /** The collector's service account; its IAM role may write to X-Ray and its log group. */
  readonly account: eks.ServiceAccount;

  constructor(scope: Construct, id: string, stage: Stage, cluster: eks.Cluster, nodes: eks.Nodegroup) {
    super(scope, id);
    const region = Stack.of(this).region;
    const namespace = "observability";
    const account = (this.account = cluster.addServiceAccount("Collector", { name: "otel-collector", namespace }));
    // The namespace comes with the chart; the service account must exist before its pods.
    const ns = new eks.KubernetesManifest(this, "Namespace", {
      cluster,
      manifest: [{ apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } }],
    });
    account.node.addDependency(ns);
    account.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        // X-Ray's write actions have no resource to scope them to.
        actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"],
        resources: ["*"],
      }),
    );
    account.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams", "logs:PutRetentionPolicy"],
        resources: [`arn:${Stack.of(this).partition}:logs:${region}:${Stack.of(this).account}:log-group:/fin/${stage.name}/metrics:*`],
      }),
    );
    const pipeline = (exporter: string) => ({
      receivers: ["otlp"],
      processors: ["memory_limiter", "batch"],
      exporters: [exporter],
    });
    this.collector = new eks.HelmChart(this, "Collector", {
      cluster,
      chart: "opentelemetry-collector",
      release: "otel-collector",
      repository: "https://open-telemetry.github.io/opentelemetry-helm-charts",
      version: COLLECTOR_CHART,
      namespace,
      wait: true,
      values: {
        fullnameOverride: "otel-collector",
        mode: "deployment",
        replicaCount: stage.name === "prod" ? 2 : 1,
        image: { repository: "otel/opentelemetry-collector-contrib" },
        command: { name: "otelcol-contrib" },
        serviceAccount: { create: false, name: account.serviceAccountName },
        resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "512Mi" } },
        // The whole configuration (not merged with the chart's debug defaults).
        alternateConfig: {
          extensions: { health_check: { endpoint: "${env:MY_POD_IP}:13133" } },
          receivers: {
            otlp: {
              protocols: {
                grpc: { endpoint: "${env:MY_POD_IP}:4317" },
                http: { endpoint: "${env:MY_POD_IP}:4318" },
              },
            },
          },
          processors: {
            memory_limiter: { check_interval: "5s", limit_percentage: 80, spike_limit_percentage: 25 },
            batch: {},
          },
          exporters: {
            awsxray: { region },
            awsemf: {
              region,
              namespace: "FinFreelancer",
              log_group_name: `/fin/${stage.name}/metrics`,
              log_retention: 30,
            },
          },
          service: {
            extensions: ["health_check"],
            pipelines: { traces: pipeline("awsxray"), metrics: pipeline("awsemf") },
          },
        },
      },
    });
    this.collector.node.addDependency(account, nodes);

    // Container logs to CloudWatch Logs (and Container Insights): the nodes' role may
    // write them.
    (nodes.role as iam.Role).addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName("CloudWatchAgentServerPolicy"));
    new eks.Addon(this, "CloudWatchObservability", { cluster, addonName: "amazon-cloudwatch-observability" }).node.addDependency(nodes);
  }
}
