import { Duration } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as actions from "aws-cdk-lib/aws-cloudwatch-actions";
import * as elbv2 from "aws-cdk-lib/aws-elasticloadbalancingv2";
import * as kms from "aws-cdk-lib/aws-kms";
import * as sns from "aws-cdk-lib/aws-sns";
import { Construct } from "constructs";

import { Data } from "./data";
import { figure } from "./telemetry";

/**
 * What pages an operator about the data stores and the app (docs/operations.md says what each means
 * and what to do). Each alarm notifies the `Alarms` topic; subscribe an address or a
 * pager to it.
 */
export class Alarms extends Construct {
  readonly topic: sns.Topic;
  /** Every alarm, for the dashboard's status row. */
  readonly all: cloudwatch.Alarm[] = [];

  constructor(
    scope: Construct,
    id: string,
    data: Data,
    loadBalancer: elbv2.ApplicationLoadBalancer,
    key: kms.IKey,
  ) {
    super(scope, id);
    this.topic = new sns.Topic(this, "Topic", {
      displayName: "Fin-Freelancer alarms",
      masterKey: key,
      enforceSSL: true,
    });
    const notify = new actions.SnsAction(this.topic);
    const alarm = (
      name: string,
      description: string,
      props: Omit<cloudwatch.AlarmProps, "metric">,
      metric: cloudwatch.IMetric,
    ) => {
      const made = new cloudwatch.Alarm(this, name, {
        metric,
        alarmDescription: description,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        ...props,
      });
      made.addAlarmAction(notify);
      this.all.push(made);
      made.addOkAction(notify);
      return made;
    };
    const db = data.database;
    const fiveMinutes = Duration.minutes(5);
    alarm(
      "DatabaseCpu",
      "Postgres CPU above 80 % for 15 minutes: queries queue and every read slows",
      { threshold: 80, evaluationPeriods: 3 },
      db.metricCPUUtilization({ period: fiveMinutes }),
    );
    alarm(
      "DatabaseStorage",
      "Postgres free storage under 5 GiB: writes will fail when it runs out",
      {
        threshold: 5 * 1024 ** 3,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      },
      db.metricFreeStorageSpace({ period: fiveMinutes }),
    );
    alarm(
      "DatabaseConnections",
      "Postgres connections above 80: Spin's pools are near the server's limit",
      { threshold: 80, evaluationPeriods: 3 },
      db.metricDatabaseConnections({ period: fiveMinutes }),
    );
    const redis = (metricName: string) => data.redisMetric(metricName, fiveMinutes);
    alarm(
      "RedisCpu",
      "Redis engine CPU above 80 %: blocklist checks and throttles slow every request",
      { threshold: 80, evaluationPeriods: 3 },
      redis("EngineCPUUtilization"),
    );
    alarm(
      "RedisMemory",
      "Redis memory above 80 %: keys will be evicted (a signed-out token could be taken again)",
      { threshold: 80, evaluationPeriods: 2 },
      redis("DatabaseMemoryUsagePercentage"),
    );
  
    // The app's own figures (`/metrics/*`, lib/telemetry.ts). A stopped scrape is no
    // outage of the app (the 5xx alarm and the dashboard's gap say so): missing data is
    // not breaching.
    const quietWhenMissing = { treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING };
    const worst = (name: string, dimensions: Record<string, string>) =>
      figure(name, dimensions, "Maximum", fiveMinutes);
    alarm(
      "MailerLag",
      "The mailer has not read billing's events for 10 minutes: invoices and reminders are not being e-mailed",
      { threshold: 600, evaluationPeriods: 2, ...quietWhenMissing },
      worst("fin_feed_lag_seconds", { reader: "mailer" }),
    );
    alarm(
      "DashboardLag",
      "The projector has not applied billing's events for 10 minutes: every dashboard shows old figures",
      { threshold: 600, evaluationPeriods: 2, ...quietWhenMissing },
      worst("fin_feed_lag_seconds", { reader: "projector" }),
    );
    alarm(
      "MailWaiting",
      "An invoice e-mail has been due for 15 minutes and is not sent: the provider or the mailer is failing",
      { threshold: 900, evaluationPeriods: 2, ...quietWhenMissing },
      worst("fin_delivery_oldest_due_seconds", { queue: "invoice" }),
    );
    alarm(
      "MailGivenUp",
      "An invoice e-mail was given up on in the last hour (a permanent refusal or every retry spent): its freelancer must resend it",
      {
        threshold: 0,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        ...quietWhenMissing,
      },
      worst("fin_delivery_failed_last_hour", { queue: "invoice" }),
    );
    for (const [breaker, what] of [
      ["stripe", "card payments are refused (\"Pay now\" is hidden)"],
      ["mail", "e-mails wait in the queue"],
      ["clients", "billing cannot read clients (invoices cannot be created)"],
    ]) {
      alarm(
        `Breaker${breaker[0].toUpperCase()}${breaker.slice(1)}Open`,
        `The ${breaker} breaker has been open for 15 minutes: ${what}`,
        { threshold: 2, evaluationPeriods: 3, comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, ...quietWhenMissing },
        worst("fin_breaker_state", { breaker }),
      );
    }

    // What users see: the share of answers that are 5xx, the app's own (target) and the
    // load balancer's (no healthy pod, a timeout). Under 20 requests in 5 minutes says
    // nothing either way, and no traffic is not an outage of the app.
    const sum = (metric: cloudwatch.Metric) => metric.with({ period: fiveMinutes, statistic: "Sum" });
    alarm(
      "App5xx",
      "More than 5 % of the API's answers are 5xx for 15 minutes: a dependency is down or a release is broken",
      { threshold: 5, evaluationPeriods: 3, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING },
      new cloudwatch.MathExpression({
        label: "5xx, % of requests",
        expression: "IF(requests >= 20, 100 * (app + balancer) / requests, 0)",
        period: fiveMinutes,
        usingMetrics: {
          requests: sum(loadBalancer.metrics.requestCount()),
          app: sum(loadBalancer.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT)),
          balancer: sum(loadBalancer.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT)),
        },
      }),
    );
  }
}
