/// <reference path="./.sst/platform/config.d.ts" />
// SST v3: `bundle` points at a prebuilt folder, so SST does no bundling of its own. slimfn's zip
// is extracted there by `npm run build` (its files are exactly what ships).
export default $config({
  app() {
    return { name: "slimfn-example", home: "aws" };
  },
  async run() {
    new sst.aws.Function("Api", {
      bundle: "dist/api",
      handler: "api.handler",
      runtime: "nodejs22.x",
      architecture: "arm64",
      memory: "512 MB",
    });
  },
});
