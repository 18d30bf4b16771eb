import { Duration, RemovalPolicy } from "aws-cdk-lib";
import * as ec2 from "aws-cdk-lib/aws-ec2";

/** What differs between the stages: sizes, redundancy and how hard the data is to lose. */
export interface Stage {
  readonly name: "dev" | "prod";
  /** Availability zones the network spans (the database and Redis need two). */
  readonly zones: number;
  /** One NAT gateway is a single point of egress; prod has one per zone. */
  readonly natGateways: number;
  readonly database: {
    readonly instanceType: ec2.InstanceType;
    readonly storageGiB: number;
    readonly maxStorageGiB: number;
    readonly multiAz: boolean;
    readonly deletionProtection: boolean;
    readonly backupRetention: Duration;
  };
  readonly redis: {
    readonly nodeType: string;
    /** Nodes in the replication group: one primary, the rest replicas. */
    readonly nodes: number;
  };
  /** The cluster's managed node group, where the Spin shim runs the app. */
  readonly nodes: {
    readonly instanceType: ec2.InstanceType;
    readonly min: number;
    readonly max: number;
    readonly diskGiB: number;
  };
  /** What happens to data stores when the stack is deleted. */
  readonly removal: RemovalPolicy;
}

const STAGES: Record<Stage["name"], Stage> = {
  dev: {
    name: "dev",
    zones: 2,
    natGateways: 1,
    database: {
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO),
      storageGiB: 20,
      maxStorageGiB: 50,
      multiAz: false,
      deletionProtection: false,
      backupRetention: Duration.days(1),
    },
    redis: { nodeType: "cache.t4g.micro", nodes: 1 },
    nodes: {
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.LARGE),
      min: 2,
      max: 3,
      diskGiB: 30,
    },
    removal: RemovalPolicy.DESTROY,
  },
  prod: {
    name: "prod",
    zones: 3,
    natGateways: 3,
    database: {
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.M7G, ec2.InstanceSize.LARGE),
      storageGiB: 100,
      maxStorageGiB: 500,
      multiAz: true,
      deletionProtection: true,
      backupRetention: Duration.days(14),
    },
    redis: { nodeType: "cache.m7g.large", nodes: 2 },
    nodes: {
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.M7I, ec2.InstanceSize.LARGE),
      min: 3,
      max: 9,
      diskGiB: 50,
    },
    removal: RemovalPolicy.RETAIN,
  },
};

/** The stage `-c stage=…` names; anything else is refused rather than guessed. */
export function stageNamed(name: unknown): Stage {
  if (name === "dev" || name === "prod") {
    return STAGES[name];
  }
  throw new Error(`stage must be dev or prod (cdk … -c stage=dev), not ${JSON.stringify(name)}`);
}
