// The CDK app: the slimfn-built zip becomes the function's code, with its handler, runtime and
// architecture from the size model. The zip's sha256 is the asset hash: an unchanged function is
// not uploaded again.
import { App, Stack } from "aws-cdk-lib";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { slimfnCode } from "slimfn/cdk";

const app = new App();
const stack = new Stack(app, "SlimfnExample");
new lambda.Function(stack, "Api", {
  ...slimfnCode({ report: "dist/size.json", name: "api" }),
  memorySize: 512,
});
app.synth();
