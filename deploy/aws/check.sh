#!/usr/bin/env bash
# The AWS stack, checked offline (no AWS account, no network after the installs): the
# TypeScript builds, both stages synthesize under cdk-nag's AwsSolutions pack with only
# the acknowledged findings (lib/suppressions.ts), the assertions of test/ hold, and
# cfn-lint and checkov pass on the synthesized templates (each skip is in the template's
# metadata with its reason), and checkov passes on deploy/spinkube. `make test` runs it.
set -euo pipefail
cd "$(dirname "$0")"
say() { printf '\033[1m[aws]\033[0m %s\n' "$*" >&2; }
say "installing the CDK app's packages (package-lock.json)"
npm ci --no-fund --no-audit --loglevel=error >/dev/null
if [ ! -x .venv/bin/checkov ]; then
  say "installing cfn-lint and checkov (requirements.txt)"
  python3 -m venv .venv
  .venv/bin/pip install -q --disable-pip-version-check -r requirements.txt
fi
say "assertions and cdk-nag (npm test)"
npm test --silent
rm -rf cdk.out cdk.out.prod
for stage in dev prod; do
  out=cdk.out; [ "$stage" = prod ] && out=cdk.out.prod
  npx cdk synth -c stage="$stage" -c hostname=fin.example.com -c region=us-east-1 --quiet -o "$out" >/dev/null
done
templates=(cdk.out/fin-dev.template.json cdk.out.prod/fin-prod.template.json)
# W3005: a DependsOn CDK adds to its own custom resource beside a GetAtt that already
# orders it — redundant, harmless, not ours to change.
say "cfn-lint"
.venv/bin/cfn-lint --ignore-checks W3005 -- "${templates[@]}"
say "checkov (CloudFormation)"
files=(); for t in "${templates[@]}"; do files+=(-f "$t"); done
.venv/bin/checkov --quiet --compact --skip-download --framework cloudformation "${files[@]}"
# The app's Kubernetes objects (what the stack applies): skips are `checkov.io/skip…`
# annotations on the object, each with its reason.
say "checkov (deploy/spinkube)"
.venv/bin/checkov --quiet --compact --skip-download --framework kubernetes -d ../spinkube
say "both stages and the manifests pass"
