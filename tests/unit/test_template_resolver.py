"""infra.template reads CloudFormation's short forms as their long forms and evaluates the conditions."""

from __future__ import annotations

import yaml

from infra.template import Resolver, _CfnLoader

TEMPLATE = """
Parameters:
  Stage:
    Type: String
    Default: prod
  Mail:
    Type: String
    Default: "off"
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
  MailOn: !Equals [!Ref Mail, "on"]
  ProdWithoutMail: !And [!Condition IsProd, !Not [!Condition MailOn]]
  ProdOrMail: !Or [!Condition MailOn, !Condition IsProd]
Resources: {}
"""


def _resolver(**parameters: str) -> Resolver:
    return Resolver(yaml.load(TEMPLATE, Loader=_CfnLoader), parameters=parameters)  # noqa: S506 - SafeLoader subclass


def test_condition_short_form_loads_as_its_long_form():
    conditions = yaml.load(TEMPLATE, Loader=_CfnLoader)["Conditions"]  # noqa: S506 - SafeLoader subclass
    assert conditions["ProdWithoutMail"] == {
        "Fn::And": [{"Condition": "IsProd"}, {"Fn::Not": [{"Condition": "MailOn"}]}]
    }


def test_condition_refers_to_the_named_condition():
    assert _resolver().condition("ProdWithoutMail") is True
    assert _resolver(Mail="on").condition("ProdWithoutMail") is False
    assert _resolver(Stage="dev").condition("ProdWithoutMail") is False
    assert _resolver(Stage="dev").condition("ProdOrMail") is False
    assert _resolver(Stage="dev", Mail="on").condition("ProdOrMail") is True


def test_if_on_a_condition_that_refers_to_another():
    resolver = _resolver(Mail="on")
    assert resolver.resolve({"Fn::If": ["ProdWithoutMail", "quiet", "mailing"]}) == "mailing"
    assert _resolver().resolve({"Fn::If": ["ProdWithoutMail", "quiet", "mailing"]}) == "quiet"
