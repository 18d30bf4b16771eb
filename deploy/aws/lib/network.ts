import { RemovalPolicy } from "aws-cdk-lib";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as kms from "aws-cdk-lib/aws-kms";
import * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";

import { Stage } from "./stage";

/**
 * The network: public subnets for the load balancer only, private ones (out through NAT)
 * for the cluster's nodes, isolated ones — no route out at all — for Postgres and Redis.
 */
export class Network extends Construct {
  readonly vpc: ec2.Vpc;
  /**
   * The security group the cluster's nodes run in: the only source the database and
   * Redis accept connections from.
   */
  readonly nodes: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, stage: Stage, key: kms.IKey) {
    super(scope, id);
    this.vpc = new ec2.Vpc(this, "Vpc", {
      ipAddresses: ec2.IpAddresses.cidr("10.40.0.0/16"),
      maxAzs: stage.zones,
      natGateways: stage.natGateways,
      subnetConfiguration: [
        { name: "public", subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: "nodes", subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
        { name: "data", subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
      // Nothing may talk through the default security group.
      restrictDefaultSecurityGroup: true,
    });
    const flowLogs = new logs.LogGroup(this, "FlowLogs", {
      retention: logs.RetentionDays.ONE_MONTH,
      encryptionKey: key,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.vpc.addFlowLog("FlowLog", {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs),
      trafficType: ec2.FlowLogTrafficType.REJECT,
    });
    this.nodes = new ec2.SecurityGroup(this, "Nodes", {
      vpc: this.vpc,
      description: "Fin-Freelancer cluster nodes: the only clients of Postgres and Redis",
      allowAllOutbound: true,
    });
  }

  /** The isolated subnets the data stores live in. */
  get dataSubnets(): ec2.SubnetSelection {
    return { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
  }
}
