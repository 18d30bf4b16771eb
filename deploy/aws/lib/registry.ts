import * as ecr from "aws-cdk-lib/aws-ecr";
import * as kms from "aws-cdk-lib/aws-kms";
import { Construct } from "constructs";

import { Stage } from "./stage";

/**
 * Where `scripts/publish.sh` pushes the app's OCI artifact (the Spin app, WASI 0.2 build)
 * and where the migrations image goes: tags are immutable, so a deployed version is the bytes it was.
 */
export class Registry extends Construct {
  readonly app: ecr.Repository;
  readonly migrate: ecr.Repository;

  constructor(scope: Construct, id: string, stage: Stage, key: kms.IKey) {
    super(scope, id);
    const repository = (id: string, name: string, description: string) =>
      new ecr.Repository(this, id, {
        repositoryName: `fin-${stage.name}/${name}`,
        imageTagMutability: ecr.TagMutability.IMMUTABLE,
        imageScanOnPush: true,
        encryption: ecr.RepositoryEncryption.KMS,
        encryptionKey: key,
        removalPolicy: stage.removal,
        emptyOnDelete: stage.name === "dev",
        lifecycleRules: [
          { description: `${description}: keep the newest 50`, maxImageCount: 50 },
        ],
      });
    // The names `make publish REGISTRY=<account>.dkr.ecr.<region>.amazonaws.com/fin-<stage>`
    // pushes to, and deploy/spinkube's images name.
    this.app = repository("app", "fin-freelancer", "The Spin app");
    this.migrate = repository("migrate", "fin-migrate", "The migrations Job's image");
  }
}
