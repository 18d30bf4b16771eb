import { Stack, StackProps, Tags } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import { Construct } from "constructs";

import { Alarms } from "./alarms";
import { checkovSkips } from "./checkov";
import { Cluster } from "./cluster";
import { Dashboard } from "./dashboard";
import { Data } from "./data";
import { Ingress } from "./ingress";
import { Network } from "./network";
import { Registry } from "./registry";
import { SpinKube } from "./spinkube";
import { Stage } from "./stage";
import { Telemetry } from "./telemetry";
import { Workload } from "./workload";

export interface FinStackProps extends StackProps {
  readonly stage: Stage;
  /** Where clients reach the API (`-c hostname=…`): the certificate's name, the share links' base. */
  readonly hostname: string;
  /** An ACM certificate for the hostname that exists already (`-c certificateArn=…`). */
  readonly certificateArn?: string;
  /**
   * Whether to apply the app (`-c app=false` leaves it out): the first deploy creates
   * the registry the app's images must be pushed to before anything can run them.
   */
  readonly withApp?: boolean;
}

/** One stage of Fin-Freelancer on AWS (deploy/aws/README.md). */
export class FinStack extends Stack {
  /** Encrypts everything the stack keeps: Postgres, Redis, secrets, images, logs, alarms. */
  readonly key: kms.Key;
  readonly network: Network;
  readonly data: Data;
  readonly registry: Registry;
  readonly cluster: Cluster;
  readonly spinkube: SpinKube;
  readonly ingress: Ingress;
  /** The app's objects in the cluster; absent on a deploy with `-c app=false`. */
  readonly workload?: Workload;
  readonly alarms: Alarms;
  readonly telemetry: Telemetry;
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: FinStackProps) {
    super(scope, id, props);
    const { stage } = props;
    Tags.of(this).add("app", "fin-freelancer");
    Tags.of(this).add("stage", stage.name);
    this.key = new kms.Key(this, "Key", {
      description: "Fin-Freelancer at rest: Postgres, Redis, secrets, images, logs",
      enableKeyRotation: true,
      removalPolicy: stage.removal,
    });
    // CloudWatch Logs encrypts the flow logs with it.
    this.key.grantEncryptDecrypt(new iam.ServicePrincipal(`logs.${this.region}.amazonaws.com`));
    this.network = new Network(this, "Network", stage, this.key);
    this.data = new Data(this, "Data", stage, this.network, this.key);
    this.registry = new Registry(this, "Registry", stage, this.key);
    this.cluster = new Cluster(this, "Cluster", stage, this.network, this.key);
    const cluster = this.cluster.cluster;
    this.spinkube = new SpinKube(this, "SpinKube", cluster, this.cluster.nodes);
    this.telemetry = new Telemetry(this, "Telemetry", {
      stage,
      cluster,
      nodes: this.cluster.nodes,
      metricsToken: this.data.metricsToken,
      key: this.key,
      externalSecrets: this.spinkube.externalSecrets,
    });
    this.ingress = new Ingress(this, "Ingress", stage, {
      network: this.network,
      hostname: props.hostname,
      certificateArn: props.certificateArn,
    });
    if (props.withApp ?? true) {
      this.workload = new Workload(this, "Workload", {
        cluster,
        spinkube: this.spinkube,
        data: this.data,
        registry: this.registry,
        key: this.key,
        hostname: props.hostname,
        after: [cluster.albController!],
      });
      this.ingress.bind(cluster, this.workload);
    }
    this.alarms = new Alarms(this, "Alarms", this.data, this.ingress.loadBalancer, this.key);
    this.dashboard = new Dashboard(
      this,
      "Dashboard",
      stage,
      this.ingress.loadBalancer,
      this.ingress.api,
      this.data,
      this.alarms,
    );
    checkovSkips(this);
  }
}
