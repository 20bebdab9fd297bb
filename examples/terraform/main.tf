# Terraform deploys the slimfn zip as it is. The zip path, handler, runtime and architecture come
# from slimfn's size model, so they cannot drift from what was built; source_code_hash changes
# exactly when the zip's bytes do (slimfn zips are deterministic).
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = ">= 5.0" }
  }
}

locals {
  slimfn = jsondecode(file("${path.module}/dist/size.json"))
  api    = [for f in local.slimfn.functions : f if f.name == "api"][0]
}

resource "aws_iam_role" "api" {
  name = "slimfn-example-api"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })
}

resource "aws_lambda_function" "api" {
  function_name    = "slimfn-example-api"
  role             = aws_iam_role.api.arn
  filename         = "${path.module}/${local.api.zip}"
  source_code_hash = filebase64sha256("${path.module}/${local.api.zip}")
  handler          = local.api.handler
  runtime          = local.api.runtime
  architectures    = [local.api.arch]
  memory_size      = 512
}
