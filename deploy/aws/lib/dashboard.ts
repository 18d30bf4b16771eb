import { Duration } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as elbv2 from "aws-cdk-lib/aws-elasticloadbalancingv2";
import { Construct } from "constructs";

import { Alarms } from "./alarms";
import { Data } from "./data";
import { Stage } from "./stage";

/**
 * One page an operator opens first (`fin-<stage>` in CloudWatch): the alarms, then what
 * users feel (requests, 5xx, latency, healthy pods), then the data stores behind it.
 */
export class Dashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(
    scope: Construct,
    id: string,
    stage: Stage,
    loadBalancer: elbv2.ApplicationLoadBalancer,
    targets: elbv2.ApplicationTargetGroup,
    data: Data,
    alarms: Alarms,
  ) {
    super(scope, id);
    const minute = Duration.minutes(1);
    const lb = loadBalancer.metrics;
    const redis = (metricName: string) => data.redisMetric(metricName, minute);
    const db = data.database;
    this.dashboard = new cloudwatch.Dashboard(this, "Dashboard", {
      dashboardName: `fin-${stage.name}`,
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: "Alarms", alarms: alarms.all, width: 24, height: 3 }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: "Requests and 5xx (per minute)",
        left: [lb.requestCount({ period: minute, statistic: "Sum" })],
        right: [
          lb.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period: minute, statistic: "Sum" }),
          lb.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { period: minute, statistic: "Sum" }),
          lb.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_4XX_COUNT, { period: minute, statistic: "Sum" }),
        ],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: "Latency at the load balancer (s)",
        left: ["p50", "p99"].map((statistic) => lb.targetResponseTime({ period: minute, statistic })),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: "fin-api pods: healthy / unhealthy",
        left: [
          targets.metrics.healthyHostCount({ period: minute }),
          targets.metrics.unhealthyHostCount({ period: minute }),
        ],
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: "Postgres: CPU % and connections",
        left: [db.metricCPUUtilization({ period: minute })],
        right: [db.metricDatabaseConnections({ period: minute })],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: "Postgres: free storage (bytes)",
        left: [db.metricFreeStorageSpace({ period: minute })],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: "Redis: engine CPU % and memory %",
        left: [redis("EngineCPUUtilization"), redis("DatabaseMemoryUsagePercentage")],
        width: 8,
      }),
    );
  }
}
