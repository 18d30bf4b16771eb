// The synthesized templates of both stages, checked offline (no AWS account): what the
// database, Redis and the secrets must be, and cdk-nag's AwsSolutions pack with no finding
// but the acknowledged ones (lib/suppressions.ts). Run by `npm test` (make test).
import { strict as assert } from "node:assert";
import { test } from "node:test";

import { App, CfnElement, Validations } from "aws-cdk-lib";
import { Match } from "aws-cdk-lib/assertions";
import { AwsSolutionsChecks } from "cdk-nag";

import { FinStack } from "../lib/stack";
import { stageNamed } from "../lib/stage";

import { appContext, stages } from "./synth";

// What the check script runs cfn-lint and checkov on (deploy/aws/check.sh).

for (const [name, { template, json, stack }] of Object.entries(stages)) {
  test(`${name}: Postgres is encrypted, private, in the isolated subnets, TLS only`, () => {
    template.hasResourceProperties("AWS::RDS::DBInstance", {
      StorageEncrypted: true,
      PubliclyAccessible: false,
      Engine: "postgres",
    });
    template.hasResourceProperties("AWS::RDS::DBParameterGroup", {
      Parameters: Match.objectLike({ "rds.force_ssl": "1" }),
    });
    const isolated = stack.network.vpc.isolatedSubnets.map((s) => stack.resolve(s.subnetId));
    template.hasResourceProperties("AWS::RDS::DBSubnetGroup", { SubnetIds: isolated });
  });

  test(`${name}: only the cluster's nodes reach Postgres and Redis`, () => {
    const nodes = stack.resolve(stack.network.nodes.securityGroupId);
    const ingress = template.findResources("AWS::EC2::SecurityGroupIngress");
    const rules = Object.values(ingress).map((r) => r.Properties);
    for (const port of [5432, 6379]) {
      const to = rules.filter((r) => r.FromPort === port);
      assert.equal(to.length, 1, `one rule opens ${port}: ${JSON.stringify(to)}`);
      assert.deepEqual(to[0].SourceSecurityGroupId, nodes, `${port} is opened to the nodes' group only`);
    }
    // Only the load balancer's group takes anything from an address range: 80 and 443.
    const group = stack.ingress.node.findChild("Group").node.defaultChild as CfnElement;
    const balancer = stack.getLogicalId(group);
    for (const [id, group] of Object.entries(template.findResources("AWS::EC2::SecurityGroup"))) {
      const inline: any[] = group.Properties.SecurityGroupIngress ?? [];
      if (id === balancer) {
        assert.deepEqual(inline.map((r) => [r.CidrIp, r.FromPort]).sort(), [["0.0.0.0/0", 443], ["0.0.0.0/0", 80]]);
      } else {
        assert.deepEqual(inline, [], `${id} opens nothing to an address range`);
      }
    }
    assert.ok(!/"CidrIp":"0\.0\.0\.0\/0","FromPort":(5432|6379)/.test(json));
  });

  test(`${name}: Redis speaks TLS with an AUTH token from Secrets Manager, encrypted at rest`, () => {
    template.hasResourceProperties("AWS::ElastiCache::ReplicationGroup", {
      TransitEncryptionEnabled: true,
      TransitEncryptionMode: "required",
      AtRestEncryptionEnabled: true,
      AuthToken: Match.objectLike({
        "Fn::Join": Match.arrayWith([Match.arrayWith([Match.stringLikeRegexp("^\\{\\{resolve:secretsmanager:")])]),
      }),
    });
  });

  test(`${name}: no secret value is in the template`, () => {
    for (const [id, secret] of Object.entries(template.findResources("AWS::SecretsManager::Secret"))) {
      assert.equal(secret.Properties.SecretString, undefined, `${id} carries a value`);
      assert.ok(secret.Properties.GenerateSecretString, `${id} is generated in AWS`);
    }
    const instance = Object.values(template.findResources("AWS::RDS::DBInstance"))[0];
    assert.match(JSON.stringify(instance.Properties.MasterUserPassword), /resolve:secretsmanager/);
    assert.ok(!/CHANGE-ME|whsec_|re_[A-Za-z0-9]{8}/.test(json), "no placeholder or key");
  });

  test(`${name}: the registry keeps immutable, scanned, encrypted images`, () => {
    template.resourceCountIs("AWS::ECR::Repository", 2);
    // What `make publish REGISTRY=…/fin-<stage>` pushes, and deploy/spinkube's images' names.
    for (const image of ["fin-freelancer", "fin-migrate"]) {
      template.hasResourceProperties("AWS::ECR::Repository", { RepositoryName: `fin-${name}/${image}` });
    }
    template.allResourcesProperties("AWS::ECR::Repository", {
      ImageTagMutability: "IMMUTABLE",
      ImageScanningConfiguration: { ScanOnPush: true },
      EncryptionConfiguration: Match.objectLike({ EncryptionType: "KMS" }),
    });
  });

  test(`${name}: the database, Redis and 5xx alarms notify the topic`, () => {
    const all = Object.values(template.findResources("AWS::CloudWatch::Alarm"));
    // The app's own figures' alarms (namespace FinFreelancer): test/cluster.test.ts.
    const ours = (a: any) =>
      a.Properties.Namespace === "FinFreelancer" ||
      (a.Properties.Metrics ?? []).some((m: any) => m.MetricStat?.Metric?.Namespace === "FinFreelancer");
    const [math, ...none] = all.filter((a) => a.Properties.Metrics && !ours(a));
    assert.equal(none.length, 0);
    const expression = math.Properties.Metrics.find((m: any) => m.Expression).Expression;
    assert.match(expression, /100 \* \(app \+ balancer\) \/ requests/);
    const used = math.Properties.Metrics.filter((m: any) => m.MetricStat).map((m: any) => m.MetricStat.Metric.MetricName);
    assert.deepEqual(used.sort(), ["HTTPCode_ELB_5XX_Count", "HTTPCode_Target_5XX_Count", "RequestCount"]);
    assert.equal(math.Properties.TreatMissingData, "notBreaching", "no traffic is not an outage");
    const alarms = all.filter((a) => !a.Properties.Metrics && !ours(a));
    const metrics = alarms.map((a) => a.Properties.MetricName).sort();
    assert.deepEqual(metrics, [
      "CPUUtilization",
      "DatabaseConnections",
      "DatabaseMemoryUsagePercentage",
      "EngineCPUUtilization",
      "FreeStorageSpace",
    ]);
    for (const alarm of all) {
      assert.equal(alarm.Properties.AlarmActions.length, 1, "each alarm notifies");
    }
  });
}

test("prod keeps its data: deletion protection, Multi-AZ, two weeks of backups, retained", () => {
  const { template } = stages.prod;
  template.hasResourceProperties("AWS::RDS::DBInstance", {
    DeletionProtection: true,
    MultiAZ: true,
    BackupRetentionPeriod: 14,
  });
  template.hasResource("AWS::RDS::DBInstance", { DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain" });
  template.hasResourceProperties("AWS::ElastiCache::ReplicationGroup", {
    NumCacheClusters: 2,
    AutomaticFailoverEnabled: true,
    MultiAZEnabled: true,
  });
});

test("dev is cheap and can be torn down", () => {
  const { template } = stages.dev;
  template.hasResourceProperties("AWS::RDS::DBInstance", { DeletionProtection: false, MultiAZ: false });
  template.hasResource("AWS::RDS::DBInstance", { DeletionPolicy: "Delete" });
});

test("an unknown stage is refused by name", () => {
  assert.throws(() => stageNamed("staging"), /stage must be dev or prod/);
  assert.throws(() => stageNamed(undefined), /stage must be dev or prod/);
});

test("an unacknowledged cdk-nag finding fails the synthesis", () => {
  const app = new App({ context: appContext });
  const stage = stageNamed("dev");
  new FinStack(app, "fin-unacknowledged", { stage, hostname: "fin.example.com", env: { region: "us-east-1" } });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  assert.throws(() => app.synth(), /AwsSolutions|[Vv]alidation/);
});
