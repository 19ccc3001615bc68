"""samconfig.toml gives `sam deploy --guided` every default it can: an EU region, a stack name, the
capabilities the stack needs, a confirmed change set and a managed S3 bucket for the code."""

from __future__ import annotations

import tomllib

from infra.template import ROOT, load_template, resources_of_type

CONFIG = tomllib.loads((ROOT / "samconfig.toml").read_text(encoding="utf-8"))


def test_the_default_environment_deploys_one_named_stack_in_the_eu():
    parameters = CONFIG["default"]["global"]["parameters"]
    assert parameters["stack_name"] == "pijnreset"
    assert parameters["region"] in {"eu-west-1", "eu-central-1"}


def test_deploy_confirms_the_change_set_and_manages_its_code_bucket():
    deploy = CONFIG["default"]["deploy"]["parameters"]
    assert deploy["confirm_changeset"] is True
    assert deploy["resolve_s3"] is True


# Resources whose name property makes CloudFormation ask for CAPABILITY_NAMED_IAM instead of CAPABILITY_IAM.
_IAM_NAMES = {
    "AWS::IAM::Role": "RoleName",
    "AWS::IAM::User": "UserName",
    "AWS::IAM::Group": "GroupName",
    "AWS::IAM::ManagedPolicy": "ManagedPolicyName",
    "AWS::IAM::InstanceProfile": "InstanceProfileName",
}


def test_deploy_acknowledges_the_capabilities_the_template_needs():
    capabilities = set(CONFIG["default"]["deploy"]["parameters"]["capabilities"].split())
    template = load_template()
    assert any(resources_of_type(template, "AWS::Serverless::Function", *_IAM_NAMES)), "the stack creates IAM roles"
    named = any(
        _IAM_NAMES[resource["Type"]] in resource.get("Properties", {})
        for _, resource in resources_of_type(template, *_IAM_NAMES)
    )
    assert ("CAPABILITY_NAMED_IAM" if named else "CAPABILITY_IAM") in capabilities
    nested = any(resources_of_type(template, "AWS::Serverless::Application", "AWS::CloudFormation::Stack"))
    assert not nested or "CAPABILITY_AUTO_EXPAND" in capabilities
