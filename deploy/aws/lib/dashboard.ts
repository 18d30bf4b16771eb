import { Duration } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as elbv2 from "aws-cdk-lib/aws-elasticloadbalancingv2";
import { Construct } from "constructs";

import { Alarms } from "./alarms";
import { Data } from "./data";
import { Stage } from "./stage";
import { everySeries, figure } from "./telemetry";

/**
 * One page an operator opens first (`fin-<stage>` in CloudWatch): the alarms, then what
 * users feel (requests, 5xx, latency, healthy pods), each route's rate, errors and
 * latency, the mail queue, the readers' lag and the breakers, then the data stores.
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
    // Per route, from the server spans (lib/telemetry.ts: spanmetrics); a route is the
    // span's name, `GET /invoices/:id`.
    const route = ["span.name"];
    const routeStatus = ["span.name", "http.response.status_code"];
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: "Requests per route and status (per minute)",
        left: [everySeries("http.server.calls", routeStatus, "Sum", minute)],
        width: 6,
      }),
      new cloudwatch.GraphWidget({
        title: "p99 latency per route (ms)",
        left: [everySeries("http.server.duration", route, "p99", minute)],
        width: 6,
      }),
      new cloudwatch.GraphWidget({
        title: "5xx per route (per minute)",
        left: [
          everySeries(
            "http.server.calls",
            routeStatus,
            "Sum",
            minute,
            `(${["500", "502", "503", "504"].map((c) => `"http.response.status_code"="${c}"`).join(" OR ")})`,
          ),
        ],
        width: 6,
      }),
      new cloudwatch.GraphWidget({
        title: "Refused tokens: 401 per route (per minute)",
        left: [everySeries("http.server.calls", routeStatus, "Sum", minute, `"http.response.status_code"="401"`)],
        width: 6,
      }),
    );
    // The app's own figures (`/metrics/*`, scraped each minute).
    const invoiceMail = (name: string) => figure(name, { queue: "invoice" }, "Maximum", minute);
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: "Invoice e-mails: queued, due, retrying, given up (last hour)",
        left: ["fin_delivery_queued", "fin_delivery_due", "fin_delivery_retrying", "fin_delivery_failed_last_hour"].map(invoiceMail),
        right: [invoiceMail("fin_delivery_oldest_due_seconds")],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: "Lag behind billing's events (s): mailer, dashboards",
        left: ["mailer", "projector"].map((reader) => figure("fin_feed_lag_seconds", { reader }, "Maximum", minute)),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: "Breakers (0 closed, 1 trial, 2 open) and dependencies up",
        left: ["clients", "stripe", "mail"].map((breaker) => figure("fin_breaker_state", { breaker }, "Maximum", minute)),
        right: ["postgres", "redis"].map((dependency) => figure("fin_dependency_up", { dependency }, "Minimum", minute)),
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
