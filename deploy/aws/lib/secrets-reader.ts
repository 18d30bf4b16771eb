import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import * as secrets from "aws-cdk-lib/aws-secretsmanager";

/**
 * How a namespace's Secrets come from Secrets Manager (External Secrets): a service
 * account whose IAM role may read these secrets and nothing else, and decrypt them with
 * the stack's key only through Secrets Manager. Granted in the role's own policy (the
 * key's policy trusts the account's IAM), not by `secret.grantRead`, which would name the
 * role in the key's policy: the key comes before the cluster, the role after it.
 */
export function grantSecretsRead(role: iam.IRole, readable: secrets.ISecret[], key: kms.IKey, region: string): void {
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
      resources: readable.map((s) => s.secretArn),
    }),
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ["kms:Decrypt"],
      resources: [key.keyArn],
      conditions: { StringEquals: { "kms:ViaService": `secretsmanager.${region}.amazonaws.com` } },
    }),
  );
}

/** The SecretStore named `name` in `namespace` that reads Secrets Manager as `serviceAccount`. */
export function secretStore(name: string, namespace: string, region: string, serviceAccount: string): Record<string, any> {
  return {
    apiVersion: "external-secrets.io/v1",
    kind: "SecretStore",
    metadata: { name, namespace },
    spec: {
      provider: {
        aws: {
          service: "SecretsManager",
          region,
          auth: { jwt: { serviceAccountRef: { name: serviceAccount } } },
        },
      },
    },
  };
}
