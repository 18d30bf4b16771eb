import { CfnOutput, Duration, RemovalPolicy } from "aws-cdk-lib";
import * as acm from "aws-cdk-lib/aws-certificatemanager";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as eks from "aws-cdk-lib/aws-eks-v2";
import * as elbv2 from "aws-cdk-lib/aws-elasticloadbalancingv2";
import * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";

import { Network } from "./network";
import { Stage } from "./stage";
import type { Workload } from "./workload";

/** spin-operator serves each SpinApp on port 80 of a Service named after it. */
const API_SERVICE = { name: "fin-api", port: 80 };

export interface IngressProps {
  readonly network: Network;
  readonly hostname: string;
  /** An ACM certificate for `hostname` that exists already; else one is requested. */
  readonly certificateArn?: string;
}

/**
 * HTTPS in front of fin-api: an internet-facing Application Load Balancer made here (so
 * its alarms, logs and TLS policy are in the template and checked), whose target group
 * the load balancer controller fills with fin-api's pods (a TargetGroupBinding). Port 80
 * only redirects to 443; access logs go to a bucket of their own.
 */
export class Ingress extends Construct {
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  /** fin-api's pods, registered by the load balancer controller once bound. */
  readonly api: elbv2.ApplicationTargetGroup;

  constructor(scope: Construct, id: string, stage: Stage, props: IngressProps) {
    super(scope, id);
    const { network } = props;
    const group = new ec2.SecurityGroup(this, "Group", {
      vpc: network.vpc,
      description: "Fin-Freelancer load balancer: HTTPS (and HTTP, redirected) from anywhere",
      allowAllOutbound: false,
    });
    group.addEgressRule(network.nodes, ec2.Port.tcp(API_SERVICE.port), "to fin-api's pods");
    network.nodes.addIngressRule(group, ec2.Port.tcp(API_SERVICE.port), "the load balancer to fin-api's pods");

    const logs = new s3.Bucket(this, "AccessLogs", {
      // ALB access logs support S3-managed keys only.
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      lifecycleRules: [
        { expiration: Duration.days(90), noncurrentVersionExpiration: Duration.days(7) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, "Alb", {
      vpc: network.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      internetFacing: true,
      securityGroup: group,
      dropInvalidHeaderFields: true,
      deletionProtection: stage.name === "prod",
    });
    this.loadBalancer.logAccessLogs(logs, "alb");
    new CfnOutput(this, "LoadBalancer", {
      description: "Point the API's hostname here (a CNAME, or an alias record in Route 53)",
      value: this.loadBalancer.loadBalancerDnsName,
    });

    const certificate = props.certificateArn
      ? acm.Certificate.fromCertificateArn(this, "Certificate", props.certificateArn)
      : new acm.Certificate(this, "Certificate", {
          domainName: props.hostname,
          // The deploy waits until the CNAME ACM asks for is in the domain's DNS
          // (deploy/aws/README.md).
          validation: acm.CertificateValidation.fromDns(),
        });
    const api = (this.api = new elbv2.ApplicationTargetGroup(this, "Api", {
      vpc: network.vpc,
      port: API_SERVICE.port,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.IP,
      deregistrationDelay: Duration.seconds(30),
      healthCheck: { path: "/readyz", healthyHttpCodes: "200", interval: Duration.seconds(10) },
    }));
    this.loadBalancer.addListener("Https", {
      port: 443,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      certificates: [certificate],
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
      defaultTargetGroups: [api],
    });
    this.loadBalancer.addRedirect({ sourcePort: 80, targetPort: 443 });
  }

  /** Has the load balancer controller register fin-api's pods in the target group. */
  bind(cluster: eks.Cluster, workload: Workload): eks.KubernetesManifest {
    const binding = new eks.KubernetesManifest(this, "Binding", {
      cluster,
      manifest: [
        {
          apiVersion: "elbv2.k8s.aws/v1beta1",
          kind: "TargetGroupBinding",
          metadata: { name: API_SERVICE.name, namespace: workload.namespace },
          spec: {
            serviceRef: { name: API_SERVICE.name, port: API_SERVICE.port },
            targetGroupARN: this.api.targetGroupArn,
            targetType: "ip",
          },
        },
      ],
    });
    binding.node.addDependency(workload);
    return binding;
  }
}
