// The cluster half of the stack, from the synthesized templates: EKS and its nodes,
// SpinKube at pinned versions, deploy/spinkube applied as it is (only the AWS values
// filled in), the migrations before the app, and HTTPS in front of it.
import { strict as assert } from "node:assert";
import { test } from "node:test";

import { Match } from "aws-cdk-lib/assertions";

import { VERSIONS } from "../lib/spinkube";
import * as fs from "node:fs";
import * as path from "node:path";

import {
  APP_SERVICE,
  COLLECTOR_CHART,
  COLLECTOR_ENDPOINT,
  METRIC_DECLARATIONS,
  SCRAPE_SECRET,
  SCRAPED,
} from "../lib/telemetry";
import { appManifests, CA_SECRET, TRUST } from "../lib/workload";

import { stages, synth, Synthesized } from "./synth";

const TOKEN = "«token»";

/** A JSON property of the template as its text, each CloudFormation token as «token». */
function parsed(value: string | { "Fn::Join": [string, unknown[]] }): any {
  const text =
    typeof value === "string"
      ? value
      : value["Fn::Join"][1].map((part) => (typeof part === "string" ? part : TOKEN)).join("");
  return JSON.parse(text);
}

/** Each kubectl-applied resource: its logical id, its objects (tokens as «token»), what it waits for. */
function applied({ template }: Synthesized): { id: string; objects: any[]; after: string[] }[] {
  const resources = template.findResources("Custom::AWSCDK-EKS-KubernetesResource");
  return Object.entries(resources).map(([id, r]) => ({
    id,
    objects: parsed(r.Properties.Manifest),
    after: r.DependsOn ?? [],
  }));
}

/** The collector chart's values. */
const collectorValues = ({ template }: Synthesized): any => {
  const chart = Object.values(template.findResources("Custom::AWSCDK-EKS-HelmChart")).find(
    (c: any) => c.Properties.Release === "otel-collector",
  )!;
  return parsed(chart.Properties.Values);
};

const find = (s: Synthesized, kind: string, name: string) => {
  for (const resource of applied(s)) {
    const object = resource.objects.find((o) => o.kind === kind && o.metadata.name === name);
    if (object) {
      return { resource, object };
    }
  }
  throw new Error(`no ${kind} ${name} is applied`);
};

/** deploy/spinkube as a reader would `kubectl apply` it. */
const files = appManifests();

for (const [name, s] of Object.entries(stages)) {
  const { template } = s;

  test(`${name}: EKS has a private endpoint, every control-plane log and encrypted Secrets`, () => {
    template.hasResourceProperties("AWS::EKS::Cluster", {
      Version: "1.35",
      ResourcesVpcConfig: Match.objectLike({ EndpointPublicAccess: false, EndpointPrivateAccess: true }),
      Logging: {
        ClusterLogging: {
          EnabledTypes: Match.arrayWith(
            ["api", "audit", "authenticator", "controllerManager", "scheduler"].map((type) => ({ Type: type })),
          ),
        },
      },
      EncryptionConfig: [Match.objectLike({ Resources: ["secrets"] })],
    });
  });

  test(`${name}: the network plugin enforces deploy/spinkube's NetworkPolicies`, () => {
    assert.ok(files.some((o) => o.kind === "NetworkPolicy"));
    template.hasResourceProperties("AWS::EKS::Addon", {
      AddonName: "vpc-cni",
      ConfigurationValues: JSON.stringify({ enableNetworkPolicy: "true" }),
    });
  });

  test(`${name}: the nodes carry the shim's label, in the nodes' group, IMDSv2 with one hop`, () => {
    template.hasResourceProperties("AWS::EKS::Nodegroup", {
      Labels: { spin: "true" },
      ScalingConfig: { MinSize: s.stage.nodes.min, DesiredSize: s.stage.nodes.min, MaxSize: s.stage.nodes.max },
      InstanceTypes: [s.stage.nodes.instanceType.toString()],
    });
    const nodes = s.stack.resolve(s.stack.network.nodes.securityGroupId);
    template.hasResourceProperties("AWS::EC2::LaunchTemplate", {
      LaunchTemplateData: Match.objectLike({
        MetadataOptions: { HttpTokens: "required", HttpPutResponseHopLimit: 1 },
        SecurityGroupIds: Match.arrayWith([nodes]),
        BlockDeviceMappings: [Match.objectLike({ Ebs: Match.objectLike({ Encrypted: true }) })],
      }),
    });
  });

  test(`${name}: SpinKube's charts are pinned, and its CRDs, executor and shim applied before the app`, () => {
    const charts = Object.values(template.findResources("Custom::AWSCDK-EKS-HelmChart")).map(
      (c) => [c.Properties.Release, c.Properties.Version],
    );
    assert.deepEqual(
      Object.fromEntries(charts),
      {
        "cert-manager": VERSIONS.certManager,
        "runtime-class-manager": VERSIONS.runtimeClassManager,
        "spin-operator": VERSIONS.spinOperator,
        "external-secrets": VERSIONS.externalSecrets,
        "aws-load-balancer-controller": "3.2.2",
        "otel-collector": COLLECTOR_CHART,
      },
    );
    const crds = find(s, "CustomResourceDefinition", "spinapps.core.spinkube.dev");
    const executor = find(s, "SpinAppExecutor", "containerd-shim-spin");
    assert.equal(executor.object.spec.deploymentConfig.runtimeClassName, "wasmtime-spin-v2");
    const namespace = files.find((o) => o.kind === "Namespace")!.metadata.name;
    assert.equal(executor.object.metadata.namespace, namespace, "an executor serves its own namespace's SpinApps");
    assert.equal(executor.object.spec.deploymentConfig.caCertSecret, CA_SECRET);
    const shim = find(s, "Shim", "spin-v2");
    assert.deepEqual(shim.object.spec.nodeSelector, { spin: "true" }, "the shim goes where the nodes' label says");
    assert.equal(shim.object.spec.runtimeClass.name, "wasmtime-spin-v2");
    const app = find(s, "SpinApp", "fin-api").resource;
    const operator = Object.entries(template.findResources("Custom::AWSCDK-EKS-HelmChart")).find(
      ([, c]) => c.Properties.Release === "spin-operator",
    )![0];
    for (const before of [operator, executor.resource.id, shim.resource.id]) {
      assert.ok(app.after.includes(before), `the app waits for ${before}`);
    }
    assert.ok(crds.resource.id);
  });

  test(`${name}: deploy/spinkube is applied as it is, Secrets made by External Secrets`, () => {
    const secrets = files.filter((o) => o.kind === "Secret");
    assert.deepEqual(secrets.map((o) => o.metadata.name).sort(), ["fin-runtime-config", "fin-secrets"]);
    for (const object of files.filter((o) => o.kind !== "Secret")) {
      const { object: deployed } = find(s, object.kind, object.metadata.name);
      // Only what differs on AWS may differ: the images and four settings.
      const expected = structuredClone(object);
      const actual = structuredClone(deployed);
      for (const o of [expected, actual]) {
        delete o.metadata.labels?.[Object.keys(o.metadata.labels ?? {}).find((k) => k.startsWith("aws.cdk.eks/prune")) ?? ""];
      }
      if (object.kind === "SpinApp") {
        assert.match(actual.spec.image, new RegExp(`${TOKEN}:${object.spec.image.split(":").pop()}$`));
        actual.spec.image = expected.spec.image;
      }
      if (object.kind === "Job") {
        const pod = actual.spec.template.spec;
        const container = pod.containers[0];
        assert.match(container.image, new RegExp(`${TOKEN}:`));
        container.image = expected.spec.template.spec.containers[0].image;
        // Plus the trust bundle over the image's own (RDS's CA).
        const volume = pod.volumes.pop();
        assert.deepEqual(volume, { name: "ca-certificates", secret: { secretName: CA_SECRET } });
        const mount = container.volumeMounts.pop();
        assert.equal(mount.mountPath, "/etc/ssl/certs/ca-certificates.crt");
        assert.equal(mount.name, "ca-certificates");
      }
      if (object.kind === "ConfigMap") {
        assert.equal(actual.data.db_host, `${TOKEN}:5432`);
        assert.equal(actual.data.events_redis_origin, `rediss://${TOKEN}:6379`);
        assert.equal(actual.data.public_base_url, "https://fin.example.com");
        for (const key of ["db_host", "events_redis_origin", "public_base_url", "mail_from_address"]) {
          actual.data[key] = expected.data[key];
        }
      }
      assert.deepEqual(actual, expected, `${object.kind} ${object.metadata.name}`);
    }
    for (const secret of secrets) {
      const { object } = find(s, "ExternalSecret", secret.metadata.name);
      const made = Object.keys(object.spec.target.template.data).sort();
      assert.deepEqual(made, Object.keys(secret.stringData).sort(), `${secret.metadata.name}: every key of the example`);
      for (const value of Object.values(object.spec.target.template.data) as string[]) {
        assert.ok(!/CHANGE-ME|whsec_|redis:\/\//.test(value), `no placeholder: ${value}`);
      }
    }
    const runtime = find(s, "ExternalSecret", "fin-runtime-config").object.spec.target.template.data["runtime-config.toml"];
    assert.equal((runtime.match(/url = "rediss:\/\/:\{\{ \.redis_token \}\}@«token»:6379\/[123]"/g) ?? []).length, 3);
  });

  test(`${name}: the app and the migrations trust public roots and RDS's CA, nothing else`, () => {
    const { object, resource } = find(s, "ExternalSecret", CA_SECRET);
    const urls = object.spec.data.map((d: any) => d.remoteRef.key).sort();
    assert.deepEqual(urls, [TRUST.public, TRUST.rds].sort());
    for (const url of urls) {
      assert.match(url, /^https:\/\//, "fetched over HTTPS only");
    }
    assert.deepEqual(Object.keys(object.spec.target.template.data), ["ca-certificates.crt"]);
    const store = find(s, "SecretStore", object.spec.secretStoreRef.name).object;
    assert.equal(store.spec.provider.webhook.url, "{{ .remoteRef.key }}");
    const migrate = find(s, "Job", files.find((o) => o.kind === "Job")!.metadata.name).resource;
    assert.ok(migrate.after.includes(resource.id), "the migration waits for the bundle");
  });

  test(`${name}: every Spin process sends traces and metrics to the collector, which ships them to X-Ray and CloudWatch`, () => {
    const executor = find(s, "SpinAppExecutor", "containerd-shim-spin").object;
    assert.deepEqual(executor.spec.deploymentConfig.otel, { exporter_otlp_endpoint: COLLECTOR_ENDPOINT });
    const chart = Object.values(template.findResources("Custom::AWSCDK-EKS-HelmChart")).find(
      (c) => c.Properties.Release === "otel-collector",
    )!;
    const values = parsed(chart.Properties.Values);
    const [service, namespace] = new URL(COLLECTOR_ENDPOINT).hostname.split(".");
    assert.equal(values.fullnameOverride, service, "the endpoint names the chart's Service");
    assert.equal(chart.Properties.Namespace, namespace);
    assert.equal(new URL(COLLECTOR_ENDPOINT).port, values.alternateConfig.receivers.otlp.protocols.http.endpoint.split(":").pop());
    const pipelines = values.alternateConfig.service.pipelines;
    assert.deepEqual(pipelines.traces.exporters, ["awsxray"]);
    assert.deepEqual(pipelines.metrics.exporters, ["awsemf"]);
    template.hasResourceProperties("AWS::EKS::Addon", { AddonName: "amazon-cloudwatch-observability" });
  });

  test(`${name}: each route's rate, errors and latency come from the server spans, and only those`, () => {
    const values = collectorValues(s);
    const config = values.alternateConfig;
    const red = config.service.pipelines["traces/red"];
    assert.deepEqual(red.exporters, ["spanmetrics"], "the server spans feed the connector");
    assert.ok(red.processors.includes("filter/server"));
    assert.deepEqual(config.processors["filter/server"].traces.span, ["kind != SPAN_KIND_SERVER"]);
    assert.ok(config.service.pipelines.metrics.receivers.includes("spanmetrics"));
    assert.equal(config.connectors.spanmetrics.namespace, "http.server");
    assert.ok(config.connectors.spanmetrics.histogram.exponential, "percentiles survive EMF");
  });

  test(`${name}: the collector scrapes every /metrics route the app serves, with the token from Secrets Manager`, () => {
    const manifest = fs.readFileSync(path.join(__dirname, "..", "..", "..", "..", "spin.toml"), "utf8");
    const routed = [...manifest.matchAll(/^route = "(\/metrics\/[^"]+)"/gm)].map((m) => m[1]).sort();
    assert.deepEqual([...SCRAPED].sort(), routed, "spin.toml's /metrics routes and the scrapes agree");
    const values = collectorValues(s);
    const scrapes = values.alternateConfig.receivers.prometheus.config.scrape_configs;
    assert.deepEqual(scrapes.map((c: any) => c.metrics_path).sort(), routed);
    const [api] = appManifests().filter((o) => o.kind === "SpinApp" && o.metadata.name === "fin-api");
    assert.equal(APP_SERVICE, `${api.metadata.name}.${api.metadata.namespace}.svc.cluster.local:80`);
    for (const scrape of scrapes) {
      assert.deepEqual(scrape.static_configs, [{ targets: [APP_SERVICE] }]);
      assert.deepEqual(scrape.authorization, { type: "Bearer", credentials: "${env:FIN_METRICS_TOKEN}" });
    }
    const env = values.extraEnvs.find((e: any) => e.name === "FIN_METRICS_TOKEN");
    assert.deepEqual(env.valueFrom.secretKeyRef, { name: SCRAPE_SECRET, key: "token" });
    // The Secret comes from Secrets Manager, the same secret the app's `metrics_token` does.
    const made = find(s, "ExternalSecret", SCRAPE_SECRET).object;
    const appSecret = find(s, "ExternalSecret", "fin-secrets").object;
    const fromApp = appSecret.spec.data.find((d: any) => d.secretKey === "metrics_token");
    assert.equal(appSecret.spec.target.template.data.metrics_token, "{{ .metrics_token }}");
    assert.deepEqual(made.spec.data[0].remoteRef, fromApp.remoteRef);
    assert.ok(
      api.spec.variables.some((v: any) => v.name === "metrics_token" && v.valueFrom.secretKeyRef.key === "metrics_token"),
      "the API reads metrics_token from fin-secrets",
    );
  });

  test(`${name}: every figure the app exposes reaches CloudWatch, under the dimensions it is sampled with`, () => {
    // The families the Rust code writes: `Family::gauge("fin_…"`, the columns' names and
    // fin-metrics' shared ones (its code, not its tests' examples).
    const root = path.join(__dirname, "..", "..", "..", "..");
    const sources = [
      "components/health/src/lib.rs",
      "components/delivery/src/metrics.rs",
      "components/analytics/src/metrics.rs",
      "crates/metrics/src/lib.rs",
    ];
    const families = new Set<string>();
    for (const file of sources) {
      const text = fs.readFileSync(path.join(root, file), "utf8").split("#[cfg(test)]")[0];
      for (const m of text.matchAll(/"(fin_[a-z_]+)"/g)) {
        families.add(m[1]);
      }
    }
    assert.ok(families.size >= 11 && families.has("fin_feed_lag_seconds"), `found ${[...families]}`);
    const values = collectorValues(s);
    const declarations = values.alternateConfig.exporters.awsemf.metric_declarations;
    assert.deepEqual(declarations, METRIC_DECLARATIONS);
    for (const family of families) {
      assert.ok(
        declarations.some((d: any) => d.metric_name_selectors.some((r: string) => new RegExp(r).test(family))),
        `${family} is declared for EMF`,
      );
    }
    for (const [spanMetric, dimensions] of [
      ["http.server.calls", ["span.name", "http.response.status_code"]],
      ["http.server.duration", ["span.name"]],
    ] as const) {
      const declared: any = declarations.find((d: any) => d.metric_name_selectors.some((r: string) => new RegExp(r).test(spanMetric)));
      assert.deepEqual(declared?.dimensions, [dimensions], spanMetric);
    }
    const alarms = Object.values(template.findResources("AWS::CloudWatch::Alarm"));
    const namespaced = (a: any) =>
      a.Properties.Namespace === "FinFreelancer" ||
      (a.Properties.Metrics ?? []).some((m: any) => m.MetricStat?.Metric?.Namespace === "FinFreelancer");
    assert.equal(alarms.filter(namespaced).length, 7, "lag ×2, mail waiting, mail given up, a breaker each");
  });

  test(`${name}: the dashboard shows the alarms, what users feel and the data stores`, () => {
    const [dashboard] = Object.values(template.findResources("AWS::CloudWatch::Dashboard"));
    assert.equal(dashboard.Properties.DashboardName, `fin-${name}`);
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    for (const metric of [
      "RequestCount",
      "HTTPCode_Target_5XX_Count",
      "TargetResponseTime",
      "HealthyHostCount",
      "CPUUtilization",
      "DatabaseConnections",
      "EngineCPUUtilization",
    ]) {
      assert.ok(body.includes(metric), `the dashboard graphs ${metric}`);
    }
    const alarms = Object.keys(template.findResources("AWS::CloudWatch::Alarm"));
    for (const alarm of alarms) {
      assert.ok(body.includes(alarm), `the status row shows ${alarm}`);
    }
  });

  test(`${name}: the migrations must succeed before any SpinApp is applied`, () => {
    const job = find(s, "Job", files.find((o) => o.kind === "Job")!.metadata.name);
    const [waitId, wait] = Object.entries(template.findResources("Custom::AWSCDK-EKS-KubernetesObjectValue"))[0];
    assert.equal(wait.Properties.ObjectName, job.object.metadata.name);
    assert.equal(wait.Properties.JsonPath, ".status.succeeded");
    assert.ok(wait.DependsOn.includes(job.resource.id), "the wait starts after the Job is applied");
    for (const app of files.filter((o) => o.kind === "SpinApp")) {
      assert.ok(find(s, "SpinApp", app.metadata.name).resource.after.includes(waitId), app.metadata.name);
    }
  });

  test(`${name}: HTTPS with the stage's certificate, HTTP redirected, fin-api's pods as targets`, () => {
    template.hasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", {
      Port: 443,
      Protocol: "HTTPS",
      Certificates: [Match.anyValue()],
      SslPolicy: Match.stringLikeRegexp("TLS13"),
    });
    template.hasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", {
      Port: 80,
      DefaultActions: [Match.objectLike({ Type: "redirect", RedirectConfig: Match.objectLike({ Port: "443" }) })],
    });
    template.hasResourceProperties("AWS::CertificateManager::Certificate", { DomainName: "fin.example.com" });
    template.hasResourceProperties("AWS::ElasticLoadBalancingV2::TargetGroup", {
      TargetType: "ip",
      Port: 80,
      HealthCheckPath: "/readyz",
    });
    template.hasResourceProperties("AWS::ElasticLoadBalancingV2::LoadBalancer", {
      Scheme: "internet-facing",
      LoadBalancerAttributes: Match.arrayWith([
        { Key: "routing.http.drop_invalid_header_fields.enabled", Value: "true" },
        { Key: "access_logs.s3.enabled", Value: "true" },
      ]),
    });
    const binding = find(s, "TargetGroupBinding", "fin-api").object;
    assert.deepEqual(binding.spec.serviceRef, { name: "fin-api", port: 80 });
    assert.equal(binding.spec.targetGroupARN, TOKEN);
  });
}

test("the first deploy (-c app=false) makes the registry and the cluster, not the app", () => {
  const first = synth("dev", { withApp: false });
  const objects = applied(first).flatMap((r) => r.objects);
  const kinds = objects.map((o) => o.kind);
  const fin = files.find((o) => o.kind === "Namespace")!.metadata.name;
  // The collector's own scrape token is the cluster's, not the app's: it may come first.
  const appKinds = objects.filter((o) => o.metadata?.namespace !== "observability").map((o) => o.kind);
  for (const kind of ["Job", "SpinApp", "TargetGroupBinding", "ExternalSecret"]) {
    assert.ok(!appKinds.includes(kind), `${kind} is left for the second deploy`);
  }
  assert.ok(!objects.some((o) => o.kind === "Namespace" && o.metadata.name === fin), "the app's namespace too");
  first.template.resourceCountIs("AWS::ECR::Repository", 2);
  first.template.resourceCountIs("AWS::ElasticLoadBalancingV2::LoadBalancer", 1);
  assert.ok(kinds.includes("CustomResourceDefinition"), "SpinKube is ready for it");
});
