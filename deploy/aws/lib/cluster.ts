import { KubectlV35Layer } from "@aws-cdk/lambda-layer-kubectl-v35";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as eks from "aws-cdk-lib/aws-eks-v2";
import * as kms from "aws-cdk-lib/aws-kms";
import { Construct } from "constructs";

import { Network } from "./network";
import { Stage } from "./stage";

/**
 * The EKS cluster: a private API endpoint (CDK's kubectl function reaches it from inside
 * the VPC), every control-plane log, Kubernetes Secrets encrypted under the stack's key,
 * and one managed node group in the private subnets whose nodes run in `Network/Nodes`
 * — the group Postgres and Redis accept — and carry the `spin=true` label the shim is
 * installed on (lib/spinkube.ts).
 */
export class Cluster extends Construct {
  readonly cluster: eks.Cluster;
  readonly nodes: eks.Nodegroup;

  constructor(scope: Construct, id: string, stage: Stage, network: Network, key: kms.IKey) {
    super(scope, id);
    this.cluster = new eks.Cluster(this, "Eks", {
      clusterName: `fin-${stage.name}`,
      version: eks.KubernetesVersion.V1_35,
      vpc: network.vpc,
      vpcSubnets: [{ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }],
      endpointAccess: eks.EndpointAccess.PRIVATE,
      defaultCapacityType: eks.DefaultCapacityType.NODEGROUP,
      defaultCapacity: 0,
      secretsEncryptionKey: key,
      clusterLogging: [
        eks.ClusterLoggingTypes.API,
        eks.ClusterLoggingTypes.AUDIT,
        eks.ClusterLoggingTypes.AUTHENTICATOR,
        eks.ClusterLoggingTypes.CONTROLLER_MANAGER,
        eks.ClusterLoggingTypes.SCHEDULER,
      ],
      kubectlProviderOptions: { kubectlLayer: new KubectlV35Layer(this, "KubectlLayer") },
      // Registers the load balancer's targets (lib/ingress.ts binds its target group).
      albController: { version: eks.AlbControllerVersion.V3_2_2 },
      removalPolicy: stage.removal,
    });

    // The VPC CNI as a managed add-on with NetworkPolicy enforced, so
    // deploy/spinkube/04-network-policy.yaml holds (without it the policies are inert).
    new eks.Addon(this, "VpcCni", {
      cluster: this.cluster,
      addonName: "vpc-cni",
      configurationValues: { enableNetworkPolicy: "true" },
    });

    // The nodes: IMDSv2 only with one hop (a pod cannot borrow the node's role), an
    // encrypted root volume, and the nodes' group beside the cluster's own (which EKS
    // adds only when no launch template names groups).
    const template = new ec2.LaunchTemplate(this, "NodeTemplate", {
      requireImdsv2: true,
      httpPutResponseHopLimit: 1,
      securityGroup: network.nodes,
      blockDevices: [
        {
          deviceName: "/dev/xvda",
          volume: ec2.BlockDeviceVolume.ebs(stage.nodes.diskGiB, {
            encrypted: true,
            volumeType: ec2.EbsDeviceVolumeType.GP3,
          }),
        },
      ],
    });
    template.addSecurityGroup(this.cluster.clusterSecurityGroup);
    this.nodes = this.cluster.addNodegroupCapacity("Nodes", {
      nodegroupName: `fin-${stage.name}-spin`,
      instanceTypes: [stage.nodes.instanceType],
      amiType: eks.NodegroupAmiType.AL2023_X86_64_STANDARD,
      minSize: stage.nodes.min,
      desiredSize: stage.nodes.min,
      maxSize: stage.nodes.max,
      subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      launchTemplateSpec: { id: template.launchTemplateId!, version: template.latestVersionNumber },
      labels: { spin: "true" },
    });
  }
}
