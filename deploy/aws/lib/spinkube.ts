import * as fs from "node:fs";
import * as path from "node:path";

import * as eks from "aws-cdk-lib/aws-eks-v2";
import { Construct } from "constructs";
import { parseAllDocuments } from "yaml";

/** Pinned: upgrading one is a change to this file and to vendor/ (vendor/README.md). */
export const VERSIONS = {
  certManager: "v1.20.0",
  runtimeClassManager: "0.2.0",
  spinOperator: "0.6.1",
  externalSecrets: "2.9.0",
} as const;

/** Every document of a YAML file, as the objects `kubectl apply` would get. */
export function readManifests(file: string): Record<string, any>[] {
  const text = fs.readFileSync(file, "utf8");
  return parseAllDocuments(text)
    .map((doc) => doc.toJS())
    .filter((object) => object !== null && object !== undefined);
}

export const vendored = (name: string) => readManifests(path.join(__dirname, "..", "..", "vendor", name));

/**
 * SpinKube on the cluster, as its install guide orders it: cert-manager (the operator's
 * admission webhooks need certificates); runtime-class-manager, which installs the
 * containerd Spin shim on every node labelled `spin=true` and creates the
 * `wasmtime-spin-v2` runtime class; spin-operator's CRDs and the operator (the shim
 * executor lives in the app's namespace: lib/workload.ts). Beside it, External Secrets, which copies Secrets Manager into the cluster
 * (lib/workload.ts). Charts at pinned versions; the manifests the guide fetches from
 * GitHub releases are vendored (vendor/README.md).
 */
export class SpinKube extends Construct {
  /** Ready to run SpinApps: the operator, its CRDs and the shim (the executor is per namespace). */
  readonly ready: Construct[];
  /** spin-operator's CRDs: SpinApp and SpinAppExecutor. */
  readonly crds: eks.KubernetesManifest;
  /** External Secrets' CRDs and controller. */
  readonly externalSecrets: eks.HelmChart;

  constructor(scope: Construct, id: string, cluster: eks.Cluster, nodes: Construct) {
    super(scope, id);
    const chart = (name: string, props: Omit<eks.HelmChartOptions, "wait">) => {
      const made = new eks.HelmChart(this, name, { cluster, wait: true, createNamespace: true, ...props });
      made.node.addDependency(nodes);
      return made;
    };
    const certManager = chart("CertManager", {
      chart: "cert-manager",
      release: "cert-manager",
      repository: "https://charts.jetstack.io",
      version: VERSIONS.certManager,
      namespace: "cert-manager",
      values: { crds: { enabled: true } },
    });
    const runtimeClassManager = chart("RuntimeClassManager", {
      chart: "runtime-class-manager",
      release: "runtime-class-manager",
      repository: "oci://ghcr.io/spinframework/charts/runtime-class-manager",
      version: VERSIONS.runtimeClassManager,
      namespace: "runtime-class-manager",
    });
    const shim = new eks.KubernetesManifest(this, "Shim", {
      cluster,
      manifest: vendored(`runtime-class-manager-${VERSIONS.runtimeClassManager}.shim-spin.yaml`),
    });
    shim.node.addDependency(runtimeClassManager);
    const crds = new eks.KubernetesManifest(this, "OperatorCrds", {
      cluster,
      manifest: vendored(`spin-operator-${VERSIONS.spinOperator}.crds.yaml`),
    });
    crds.node.addDependency(nodes);
    const operator = chart("Operator", {
      chart: "spin-operator",
      release: "spin-operator",
      repository: "oci://ghcr.io/spinframework/charts/spin-operator",
      version: VERSIONS.spinOperator,
      namespace: "spin-operator",
    });
    operator.node.addDependency(certManager, crds);
    this.crds = crds;
    this.ready = [operator, crds, shim];
    this.externalSecrets = chart("ExternalSecrets", {
      chart: "external-secrets",
      release: "external-secrets",
      repository: "https://charts.external-secrets.io",
      version: VERSIONS.externalSecrets,
      namespace: "external-secrets",
      values: { installCRDs: true },
    });
  }
}
