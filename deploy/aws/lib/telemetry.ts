import { Duration, Stack } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as eks from "aws-cdk-lib/aws-eks-v2";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import * as secrets from "aws-cdk-lib/aws-secretsmanager";
import { Construct } from "constructs";

import { grantSecretsRead, secretStore } from "./secrets-reader";
import { Stage } from "./stage";

/** Pinned like SpinKube's charts (lib/spinkube.ts). */
export const COLLECTOR_CHART = "0.170.0";

/** Where the app's Spin processes send OTLP (the executor's `otel` binding, lib/workload.ts). */
export const COLLECTOR_ENDPOINT = "http://otel-collector.observability.svc.cluster.local:4318";

/** The API's Service (spin-operator names it after the SpinApp of deploy/spinkube/10-api.yaml). */
export const APP_SERVICE = "fin-api.fin.svc.cluster.local:80";

/** Each context's figures (spin.toml routes them; docs/observability.md lists them). */
export const SCRAPED = ["/metrics/health", "/metrics/delivery", "/metrics/analytics"];

/** The Secret in the collector's namespace that holds the scrape's bearer token. */
export const SCRAPE_SECRET = "fin-metrics-token";

/**
 * What reaches CloudWatch as metrics, by name and dimensions (EMF takes nothing else):
 * the rate, errors and latency of each route — `http.server.calls` and
 * `http.server.duration`, made from the server spans by the `spanmetrics` connector, a
 * route being the span's name (`GET /invoices/:id`) — and the app's own figures.
 */
export const METRIC_DECLARATIONS = [
  // A series costs $0.30 a month: calls by route and status (a route's rate is their
  // sum), latency by route only.
  { dimensions: [["span.name", "http.response.status_code"]], metric_name_selectors: ["^http\\.server\\.calls$"] },
  { dimensions: [["span.name"]], metric_name_selectors: ["^http\\.server\\.duration$"] },
  { dimensions: [["dependency"]], metric_name_selectors: ["^fin_dependency_up$"] },
  { dimensions: [["breaker"]], metric_name_selectors: ["^fin_breaker_"] },
  { dimensions: [["queue"]], metric_name_selectors: ["^fin_delivery_"] },
  { dimensions: [["reader"]], metric_name_selectors: ["^fin_feed_lag_seconds$"] },
];

/** The CloudWatch namespace the collector writes to (EMF). */
export const NAMESPACE = "FinFreelancer";

/** One of the app's figures (or a route's) as CloudWatch has it. */
export function figure(
  metricName: string,
  dimensionsMap: Record<string, string>,
  statistic: string,
  period: Duration,
): cloudwatch.Metric {
  return new cloudwatch.Metric({ namespace: NAMESPACE, metricName, dimensionsMap, statistic, period });
}

/** Every series of `metricName` with these dimensions, whatever their values (a line per route). */
export function everySeries(
  metricName: string,
  dimensions: string[],
  statistic: string,
  period: Duration,
  filter = "",
): cloudwatch.MathExpression {
  const schema = [NAMESPACE, ...dimensions.map((d) => `"${d}"`)].join(",");
  return new cloudwatch.MathExpression({
    expression: `SEARCH('{${schema}} MetricName="${metricName}" ${filter}', '${statistic}', ${period.toSeconds()})`,
    period,
    label: "",
  });
}

export interface TelemetryProps {
  readonly stage: Stage;
  readonly cluster: eks.Cluster;
  readonly nodes: eks.Nodegroup;
  /** The scrape's bearer token (lib/data.ts) and the key it is encrypted under. */
  readonly metricsToken: secrets.ISecret;
  readonly key: kms.IKey;
  /** External Secrets, which brings the token into the collector's namespace. */
  readonly externalSecrets: Construct;
}

/**
 * Seeing the app run on AWS: an OpenTelemetry collector (the contrib distribution) that
 * takes OTLP from every Spin process — each request's trace, docs/observability.md —
 * and sends traces to X-Ray; turns the server spans into each route's rate, errors and
 * latency (`spanmetrics`); scrapes each context's figures (`/metrics/*`, with the
 * token External Secrets brings from Secrets Manager); and sends both to CloudWatch
 * (EMF, namespace `FinFreelancer`). The CloudWatch Observability add-on ships every
 * container's output (Spin's and the components' logs) to CloudWatch Logs.
 */
export class Telemetry extends Construct {
  readonly collector: eks.HelmChart;
  /** The collector's service account; its IAM role may write to X-Ray and its log group. */
  readonly account: eks.ServiceAccount;

  constructor(scope: Construct, id: string, props: TelemetryProps) {
    super(scope, id);
    const { stage, cluster, nodes } = props;
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
    // The scrape's token: Secrets Manager → a Secret here, read by the collector's own
    // service account (it may read this one secret).
    grantSecretsRead(account.role, [props.metricsToken], props.key, region);
    const store = "aws-secrets-manager";
    const token = new eks.KubernetesManifest(this, "ScrapeToken", {
      cluster,
      overwrite: true,
      manifest: [
        secretStore(store, namespace, region, account.serviceAccountName),
        {
          apiVersion: "external-secrets.io/v1",
          kind: "ExternalSecret",
          metadata: { name: SCRAPE_SECRET, namespace },
          spec: {
            refreshInterval: "1h",
            secretStoreRef: { name: store, kind: "SecretStore" },
            target: { name: SCRAPE_SECRET, creationPolicy: "Owner" },
            data: [{ secretKey: "token", remoteRef: { key: props.metricsToken.secretName } }],
          },
        },
      ],
    });
    token.node.addDependency(account, props.externalSecrets);

    const pipeline = (exporters: string[], receivers = ["otlp"]) => ({
      receivers,
      processors: ["memory_limiter", "batch"],
      exporters,
    });
    // Each context's figures, once a minute, from whichever pod the Service picks (they
    // are read from Postgres and Redis, the same on every pod).
    const scrapes = SCRAPED.map((path) => ({
      job_name: `fin${path.replaceAll("/", "-")}`,
      metrics_path: path,
      scrape_interval: "60s",
      scrape_timeout: "10s",
      authorization: { type: "Bearer", credentials: "${env:FIN_METRICS_TOKEN}" },
      static_configs: [{ targets: [APP_SERVICE] }],
    }));
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
        extraEnvs: [{ name: "FIN_METRICS_TOKEN", valueFrom: { secretKeyRef: { name: SCRAPE_SECRET, key: "token" } } }],
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
            prometheus: { config: { scrape_configs: scrapes } },
          },
          processors: {
            memory_limiter: { check_interval: "5s", limit_percentage: 80, spike_limit_percentage: 25 },
            batch: {},
            // Rate, errors and latency are the server spans' (one per request and route);
            // SQL statements and calls would make a series per statement.
            "filter/server": { error_mode: "ignore", traces: { span: ["kind != SPAN_KIND_SERVER"] } },
          },
          connectors: {
            spanmetrics: {
              namespace: "http.server",
              dimensions: [{ name: "http.response.status_code" }],
              // Exponential buckets reach CloudWatch as values and counts: p50 and p99 work.
              histogram: { unit: "ms", exponential: { max_size: 160 } },
              metrics_flush_interval: "60s",
            },
          },
          exporters: {
            awsxray: { region },
            awsemf: {
              region,
              namespace: NAMESPACE,
              log_group_name: `/fin/${stage.name}/metrics`,
              log_retention: 30,
              metric_declarations: METRIC_DECLARATIONS,
            },
          },
          service: {
            extensions: ["health_check"],
            pipelines: {
              traces: pipeline(["awsxray"]),
              "traces/red": {
                receivers: ["otlp"],
                processors: ["memory_limiter", "filter/server"],
                exporters: ["spanmetrics"],
              },
              metrics: pipeline(["awsemf"], ["otlp", "prometheus", "spanmetrics"]),
            },
          },
        },
      },
    });
    this.collector.node.addDependency(account, nodes, token);

    // Container logs to CloudWatch Logs (and Container Insights): the nodes' role may
    // write them.
    (nodes.role as iam.Role).addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName("CloudWatchAgentServerPolicy"));
    new eks.Addon(this, "CloudWatchObservability", { cluster, addonName: "amazon-cloudwatch-observability" }).node.addDependency(nodes);
  }
}
