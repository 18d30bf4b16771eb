import { CfnOutput, CfnResource, Duration, SecretValue } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as elasticache from "aws-cdk-lib/aws-elasticache";
import * as kms from "aws-cdk-lib/aws-kms";
import * as rds from "aws-cdk-lib/aws-rds";
import * as secrets from "aws-cdk-lib/aws-secretsmanager";
import { Construct } from "constructs";

import { Network } from "./network";
import { Stage } from "./stage";

/** Spin's Postgres client and the app's allow-list expect the standard ports. */
export const POSTGRES_PORT = 5432;
export const REDIS_PORT = 6379;

/**
 * Postgres (RDS) and Redis (ElastiCache), encrypted at rest under the stack's key and in
 * transit, reachable only from the cluster's nodes, their credentials generated into
 * Secrets Manager — no password is ever in a template or in Git.
 */
export class Data extends Construct {
  readonly database: rds.DatabaseInstance;
  readonly redis: elasticache.CfnReplicationGroup;
  readonly redisAuth: secrets.Secret;
  /** The app's own secrets (docs/configuration.md): JWT key, webhook secret, … */
  readonly appSecrets: secrets.Secret;
  /** What the collector's scrapes of `/metrics/*` carry, and the app compares (`metrics_token`). */
  readonly metricsToken: secrets.Secret;

  constructor(
    scope: Construct,
    id: string,
    stage: Stage,
    network: Network,
    key: kms.IKey,
  ) {
    super(scope, id);

    const databaseGroup = new ec2.SecurityGroup(this, "DatabaseGroup", {
      vpc: network.vpc,
      description: "Fin-Freelancer Postgres: from the cluster nodes only",
      allowAllOutbound: false,
    });
    databaseGroup.addIngressRule(network.nodes, ec2.Port.tcp(POSTGRES_PORT), "the app's components");
    // TLS is required: a client that does not offer it is refused by the server.
    const parameters = new rds.ParameterGroup(this, "DatabaseParameters", {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_17_9 }),
      parameters: { "rds.force_ssl": "1", log_min_duration_statement: "500" },
    });
    this.database = new rds.DatabaseInstance(this, "Database", {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_17_9 }),
      instanceType: stage.database.instanceType,
      vpc: network.vpc,
      vpcSubnets: network.dataSubnets,
      securityGroups: [databaseGroup],
      port: POSTGRES_PORT,
      databaseName: "fin",
      credentials: rds.Credentials.fromGeneratedSecret("fin", {
        secretName: `fin-${stage.name}/database`,
        encryptionKey: key,
      }),
      parameterGroup: parameters,
      allocatedStorage: stage.database.storageGiB,
      maxAllocatedStorage: stage.database.maxStorageGiB,
      storageType: rds.StorageType.GP3,
      storageEncrypted: true,
      storageEncryptionKey: key,
      publiclyAccessible: false,
      multiAz: stage.database.multiAz,
      deletionProtection: stage.database.deletionProtection,
      backupRetention: stage.database.backupRetention,
      copyTagsToSnapshot: true,
      autoMinorVersionUpgrade: true,
      iamAuthentication: true,
      cloudwatchLogsExports: ["postgresql", "upgrade"],
      monitoringInterval: Duration.seconds(60),
      enablePerformanceInsights: true,
      performanceInsightEncryptionKey: key,
      removalPolicy: stage.removal,
    });

    if (!stage.database.multiAz) {
      (this.database.node.defaultChild as CfnResource).addMetadata("checkov", {
        skip: [{ id: "CKV_AWS_157", comment: "dev: one instance to halve its cost; prod is Multi-AZ" }],
      });
    }

    const redisGroup = new ec2.SecurityGroup(this, "RedisGroup", {
      vpc: network.vpc,
      description: "Fin-Freelancer Redis: from the cluster nodes only",
      allowAllOutbound: false,
    });
    redisGroup.addIngressRule(network.nodes, ec2.Port.tcp(REDIS_PORT), "the app's components");
    // ElastiCache's AUTH token: printable, no `@`, `"` or `/` — letters and digits only.
    this.redisAuth = new secrets.Secret(this, "RedisAuth", {
      secretName: `fin-${stage.name}/redis-auth`,
      description: "The Redis AUTH token (rediss://:TOKEN@host:6379)",
      encryptionKey: key,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    const subnets = new elasticache.CfnSubnetGroup(this, "RedisSubnets", {
      description: "Fin-Freelancer Redis: the isolated data subnets",
      subnetIds: network.vpc.selectSubnets(network.dataSubnets).subnetIds,
    });
    const replicated = stage.redis.nodes > 1;
    this.redis = new elasticache.CfnReplicationGroup(this, "Redis", {
      replicationGroupDescription: `Fin-Freelancer ${stage.name}: key-value stores and events`,
      engine: "redis",
      engineVersion: "7.1",
      cacheNodeType: stage.redis.nodeType,
      numCacheClusters: stage.redis.nodes,
      automaticFailoverEnabled: replicated,
      multiAzEnabled: replicated,
      // Cluster mode off: the app keeps its stores in databases 1–3 of one server.
      cacheSubnetGroupName: subnets.ref,
      securityGroupIds: [redisGroup.securityGroupId],
      port: REDIS_PORT,
      transitEncryptionEnabled: true,
      transitEncryptionMode: "required",
      atRestEncryptionEnabled: true,
      kmsKeyId: key.keyId,
      authToken: SecretValue.secretsManager(this.redisAuth.secretArn).unsafeUnwrap(),
      snapshotRetentionLimit: replicated ? 7 : 1,
      autoMinorVersionUpgrade: true,
    });

    // The secrets the app needs besides the database's and Redis's (docs/configuration.md).
    // The JWT key is generated; the others are the operator's to fill in after the first
    // deploy (empty turns their feature off) — none is ever in the template.
    this.appSecrets = new secrets.Secret(this, "AppSecrets", {
      secretName: `fin-${stage.name}/app`,
      description: "Fin-Freelancer's own secrets: jwt_secret (generated) and the ones to fill in",
      encryptionKey: key,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({
          payments_webhook_secret: "",
          mail_api_key: "",
          payments_encryption_key: "",
          identity_encryption_key: "",
        }),
        generateStringKey: "jwt_secret",
        passwordLength: 64,
        excludePunctuation: true,
      },
    });

    // Generated, never in a template: the app (as `metrics_token`) and the collector read it.
    this.metricsToken = new secrets.Secret(this, "MetricsToken", {
      secretName: `fin-${stage.name}/metrics-token`,
      description: "The bearer token of the collector's scrapes of Fin-Freelancer's /metrics/*",
      encryptionKey: key,
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });

    new CfnOutput(this, "DatabaseEndpoint", { value: this.database.dbInstanceEndpointAddress });
    new CfnOutput(this, "RedisEndpoint", { value: this.redis.attrPrimaryEndPointAddress });
  }

  /** One of ElastiCache's metrics for the replication group (its worst node). */
  redisMetric(metricName: string, period: Duration): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: "AWS/ElastiCache",
      metricName,
      dimensionsMap: { ReplicationGroupId: this.redis.ref },
      period,
      statistic: "Maximum",
    });
  }
}
