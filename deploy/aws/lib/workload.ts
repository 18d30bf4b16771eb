import * as path from "node:path";
import * as fs from "node:fs";

import { Duration, Stack } from "aws-cdk-lib";
import * as eks from "aws-cdk-lib/aws-eks-v2";
import * as kms from "aws-cdk-lib/aws-kms";
import { Construct } from "constructs";

import { Data, POSTGRES_PORT, REDIS_PORT } from "./data";
import { Registry } from "./registry";
import { grantSecretsRead, secretStore } from "./secrets-reader";
import { readManifests, SpinKube, vendored, VERSIONS } from "./spinkube";
import { COLLECTOR_ENDPOINT } from "./telemetry";

/** The app's Kubernetes objects: the one copy, also what `kubectl apply` takes by hand. */
export const MANIFESTS = path.join(__dirname, "..", "..", "..", "spinkube");

/** Every object of deploy/spinkube, in the order of its files (the order to apply them). */
export function appManifests(): Record<string, any>[] {
  return fs
    .readdirSync(MANIFESTS)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .flatMap((f) => readManifests(path.join(MANIFESTS, f)));
}

/** The Secret holding the trust bundle (public roots and RDS's CA). */
export const CA_SECRET = "fin-ca-certificates";

/** Where the roots come from: what spin-operator embeds, and AWS's RDS bundle. */
export const TRUST = {
  public: "https://curl.se/ca/cacert.pem",
  rds: "https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem",
};

/** The placeholders of deploy/spinkube that this stack fills in. */
const PLACEHOLDER = {
  appImage: "registry.example.com/fin-freelancer",
  migrateImage: "registry.example.com/fin-migrate",
  redis: "redis://redis.fin.svc.cluster.local:6379",
};

export interface WorkloadProps {
  readonly cluster: eks.Cluster;
  readonly spinkube: SpinKube;
  readonly data: Data;
  readonly registry: Registry;
  /** The stack's key, which the secrets are encrypted under. */
  readonly key: kms.IKey;
  /** Where clients reach the API: the base of the share links it hands out. */
  readonly hostname: string;
  /** Anything the app's pods must wait for besides SpinKube (the load balancer's controller). */
  readonly after: Construct[];
}

/**
 * deploy/spinkube applied to the cluster, in its order, with only what differs on AWS
 * filled in: the images come from the stack's registry, the ConfigMap names the stack's
 * Postgres, Redis (TLS: `rediss://`) and hostname, and the two Secrets are made in the
 * cluster by External Secrets from Secrets Manager (their values never pass through a
 * template). The migrations Job runs first and must succeed before any SpinApp is
 * applied: a deploy whose migration fails stops there and rolls back, the old pods
 * still serving.
 */
export class Workload extends Construct {
  /** The namespace deploy/spinkube puts everything in. */
  readonly namespace: string;

  constructor(scope: Construct, id: string, props: WorkloadProps) {
    super(scope, id);
    const { cluster, data, registry } = props;
    const region = Stack.of(this).region;
    const database = `${data.database.dbInstanceEndpointAddress}:${POSTGRES_PORT}`;
    const redisHost = `${data.redis.attrPrimaryEndPointAddress}:${REDIS_PORT}`;

    const all = appManifests();
    const of = (kind: string) => all.filter((o) => o.kind === kind);
    const namespace = of("Namespace")[0]?.metadata?.name;
    if (!namespace) {
      throw new Error(`${MANIFESTS}: no Namespace`);
    }
    this.namespace = namespace;
    const runtimeConfig = of("Secret").find((s) => s.stringData?.["runtime-config.toml"]);
    if (!runtimeConfig) {
      throw new Error(`${MANIFESTS}: no Secret with runtime-config.toml`);
    }
    const filled = all
      .filter((o) => o.kind !== "Secret")
      .map((o) => fill(o, { registry, database, redis: `rediss://${redisHost}`, hostname: props.hostname }));
    const apply = (name: string, objects: Record<string, any>[], ...after: Construct[]) => {
      const made = new eks.KubernetesManifest(this, name, { cluster, manifest: objects, overwrite: true });
      made.node.addDependency(...after);
      return made;
    };

    const base = apply(
      "Namespace",
      filled.filter((o) => o.kind === "Namespace" || o.kind === "ConfigMap"),
      ...props.after,
    );

    // Secrets Manager → the two Secrets the app reads, by a service account whose IAM
    // role may read these four secrets and nothing else.
    const reader = cluster.addServiceAccount("SecretsReader", { name: "fin-secrets-reader", namespace });
    reader.node.addDependency(base);
    grantSecretsRead(
      reader.role,
      [data.database.secret!, data.redisAuth, data.appSecrets, data.metricsToken],
      props.key,
      region,
    );
    const store = "aws-secrets-manager";
    const remote = (secretKey: string, key: string, property?: string): Remote => ({
      secretKey,
      remoteRef: property ? { key, property } : { key },
    });
    const app = data.appSecrets.secretName;
    const appKeys = [
      "jwt_secret",
      "payments_webhook_secret",
      "mail_api_key",
      "payments_encryption_key",
      "identity_encryption_key",
    ];
    // External Secrets fills the token in, in the cluster.
    const redisUrl = `rediss://:{{ .redis_token }}@${redisHost}`;
    const secrets = apply(
      "Secrets",
      [
        secretStore(store, namespace, region, reader.serviceAccountName),
        externalSecret("fin-secrets", namespace, store, {
          db_url:
            `postgres://{{ .db_username | urlquery }}:{{ .db_password | urlquery }}@${database}/fin?sslmode=require`,
          events_redis_url: redisUrl,
          ...Object.fromEntries(appKeys.map((k) => [k, `{{ .${k} }}`])),
          metrics_token: "{{ .metrics_token }}",
        }, [
          remote("db_username", data.database.secret!.secretName, "username"),
          remote("db_password", data.database.secret!.secretName, "password"),
          remote("redis_token", data.redisAuth.secretName),
          ...appKeys.map((k) => remote(k, app, k)),
          remote("metrics_token", data.metricsToken.secretName),
        ]),
        externalSecret(runtimeConfig.metadata.name, namespace, store, {
          "runtime-config.toml": (runtimeConfig.stringData["runtime-config.toml"] as string)
            .split(PLACEHOLDER.redis)
            .join(redisUrl),
        }, [remote("redis_token", data.redisAuth.secretName)]),
      ],
      base,
      reader,
      props.spinkube.externalSecrets,
    );

    // RDS's certificates chain to Amazon's RDS CA, which no default trust store holds:
    // the app's pods (through the executor's `caCertSecret`) and the migrations Job trust
    // a bundle of the public roots spin-operator ships (curl's copy of Mozilla's) plus
    // RDS's, fetched by External Secrets from where AWS publishes them and refreshed daily.
    const trust = apply(
      "TrustBundle",
      [
        {
          apiVersion: "external-secrets.io/v1",
          kind: "SecretStore",
          metadata: { name: "trust-bundles", namespace },
          spec: { provider: { webhook: { url: "{{ .remoteRef.key }}", method: "GET", timeout: "30s", result: {} } } },
        },
        {
          apiVersion: "external-secrets.io/v1",
          kind: "ExternalSecret",
          metadata: { name: CA_SECRET, namespace },
          spec: {
            refreshInterval: "24h",
            secretStoreRef: { name: "trust-bundles", kind: "SecretStore" },
            target: {
              name: CA_SECRET,
              creationPolicy: "Owner",
              template: { engineVersion: "v2", data: { "ca-certificates.crt": "{{ .public }}\n{{ .rds }}" } },
            },
            data: [
              { secretKey: "public", remoteRef: { key: TRUST.public } },
              { secretKey: "rds", remoteRef: { key: TRUST.rds } },
            ],
          },
        },
      ],
      base,
      props.spinkube.externalSecrets,
    );
    const [executor] = vendored(`spin-operator-${VERSIONS.spinOperator}.shim-executor.yaml`);
    executor.metadata.namespace = namespace;
    executor.spec.deploymentConfig.caCertSecret = CA_SECRET;
    // Every Spin process exports its traces and metrics to the collector (lib/telemetry.ts).
    executor.spec.deploymentConfig.otel = { exporter_otlp_endpoint: COLLECTOR_ENDPOINT };
    const executors = apply("ShimExecutor", [executor], base, trust, props.spinkube.crds);

    const policies = apply("NetworkPolicies", filled.filter((o) => o.kind === "NetworkPolicy"), base);
    const jobs = filled.filter((o) => o.kind === "Job");
    const migrate = apply("Migrate", jobs, secrets, policies, trust);
    // `.status.succeeded` appears only once the Job has: until then (10 minutes at most,
    // the Job's own deadline) nothing of the new version is applied.
    const migrated = new eks.KubernetesObjectValue(this, "Migrated", {
      cluster,
      objectType: "job",
      objectName: jobs[0].metadata.name,
      objectNamespace: namespace,
      jsonPath: ".status.succeeded",
      timeout: Duration.minutes(11),
    });
    migrated.node.addDependency(migrate);
    const rest = filled.filter((o) => !["Namespace", "ConfigMap", "NetworkPolicy", "Job"].includes(o.kind));
    apply("App", rest, migrated, executors, ...props.spinkube.ready);
  }
}

interface Fill {
  readonly registry: Registry;
  readonly database: string;
  readonly redis: string;
  readonly hostname: string;
}

/** One object of deploy/spinkube with the AWS values in place of its placeholders. */
function fill(object: Record<string, any>, with_: Fill): Record<string, any> {
  const copy = structuredClone(object);
  if (copy.kind === "ConfigMap" && copy.metadata.name === "fin-config") {
    copy.data = {
      ...copy.data,
      db_host: with_.database,
      events_redis_origin: with_.redis,
      public_base_url: `https://${with_.hostname}`,
      mail_from_address: `invoices@${with_.hostname}`,
    };
  }
  const image = (ref: string) =>
    ref
      .replace(PLACEHOLDER.appImage, with_.registry.app.repositoryUri)
      .replace(PLACEHOLDER.migrateImage, with_.registry.migrate.repositoryUri);
  if (copy.kind === "SpinApp") {
    copy.spec.image = image(copy.spec.image);
  }
  if (copy.kind === "Job") {
    // The migration verifies RDS's certificate against the same bundle as the app: it
    // replaces the image's own, as spin-operator does for the app's pods.
    const pod = copy.spec.template.spec;
    pod.volumes = [...(pod.volumes ?? []), { name: "ca-certificates", secret: { secretName: CA_SECRET } }];
    for (const container of pod.containers) {
      container.image = image(container.image);
      container.volumeMounts = [
        ...(container.volumeMounts ?? []),
        {
          name: "ca-certificates",
          mountPath: "/etc/ssl/certs/ca-certificates.crt",
          subPath: "ca-certificates.crt",
          readOnly: true,
        },
      ];
    }
  }
  return copy;
}

/** One value of a Secrets Manager secret (a JSON secret's `property`, or all of it). */
interface Remote {
  readonly secretKey: string;
  readonly remoteRef: { readonly key: string; readonly property?: string };
}

function externalSecret(
  name: string,
  namespace: string,
  store: string,
  template: Record<string, string>,
  data: Remote[],
): Record<string, any> {
  return {
    apiVersion: "external-secrets.io/v1",
    kind: "ExternalSecret",
    metadata: { name, namespace },
    spec: {
      // A rotated secret reaches the cluster within the hour; the pods read it when
      // they restart (docs/operations.md).
      refreshInterval: "1h",
      secretStoreRef: { name: store, kind: "SecretStore" },
      target: { name, creationPolicy: "Owner", template: { engineVersion: "v2", data: template } },
      data,
    },
  };
}
