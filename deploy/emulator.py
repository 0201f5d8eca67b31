"""Fit a transformed template to the emulator's CloudFormation, for the deploy rehearsal.

moto's CloudFormation creates the resource types it implements (tables, the bucket, the
function's role, the function and its version, log groups, the SNS topic, the REST API)
and would skip the others silently, failing later on a reference to one of them. So
when `make deploy` runs against an emulator (AWS_ENDPOINT_URL set), the resources it
does not implement are left out, every reference to them becomes a visible placeholder,
and the list of what was left out, with the reason, is printed. Against AWS nothing here
runs: the whole template is deployed.
"""

from __future__ import annotations

import re
from typing import Any

PLACEHOLDER = "emulator-skipped-{}"
# Types that keep working with a placeholder where a left-out resource was referenced
# (the function's MEDIA_BASE_URL names the CDN); any other resource that refers to a
# left-out one is left out too.
PLACEHOLDERS_SUFFICE = frozenset({"AWS::Lambda::Function", "AWS::IAM::Role"})
# Types the emulator implements, but not well enough to stand in for AWS here.
UNFAITHFUL = {
    "AWS::ApiGateway::RestApi": "the emulator ignores the API's OpenAPI body, so the API "
    "would have no methods; the rehearsal sends API Gateway's proxy events to the function",
    "AWS::ApiGateway::Deployment": "deploys the REST API left out above",
}
_SUB_REFERENCE = re.compile(r"\$\{([A-Za-z0-9]+)(?:\.([A-Za-z0-9.]+))?\}")


def implemented_types() -> set[str]:
    """The resource types moto's CloudFormation can create."""
    from moto.cloudformation.parsing import get_model_map

    return set(get_model_map())


def fit_for_emulator(
    template: dict[str, Any], implemented: set[str] | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    """``template`` without the resources the emulator cannot create, and for each one
    left out (logical id) the reason."""
    implemented = implemented if implemented is not None else implemented_types()
    resources = template["Resources"]
    skipped = {}
    for name, resource in resources.items():
        kind = resource["Type"]
        if kind in UNFAITHFUL:
            skipped[name] = f"{kind}: {UNFAITHFUL[kind]}"
        elif kind not in implemented:
            skipped[name] = f"{kind}: not implemented by the emulator's CloudFormation"
    while True:
        dependents = {
            name: f"{resource['Type']}: refers to {', '.join(sorted(found))}, left out"
            for name, resource in resources.items()
            if name not in skipped
            and resource["Type"] not in PLACEHOLDERS_SUFFICE
            and (found := _references(resource, set(skipped)))
        }
        if not dependents:
            break
        skipped.update(dependents)
    fitted = {key: value for key, value in template.items() if key != "Resources"}
    fitted["Resources"] = {
        name: _without_references(resource, set(skipped))
        for name, resource in resources.items()
        if name not in skipped
    }
    if "Outputs" in fitted:
        fitted["Outputs"] = {
            key: _without_references(output, set(skipped))
            for key, output in fitted["Outputs"].items()
        }
    return fitted, skipped


def _references(value: Any, names: set[str]) -> set[str]:
    """The names among ``names`` that ``value`` refers to (Ref, GetAtt, Sub, DependsOn)."""
    found: set[str] = set()
    if isinstance(value, list):
        for item in value:
            found |= _references(item, names)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key == "Ref" and item in names:
                found.add(item)
            elif key == "Fn::GetAtt":
                target = item[0] if isinstance(item, list) else str(item).split(".", 1)[0]
                found |= {target} & names
            elif key == "Fn::Sub":
                text = item if isinstance(item, str) else item[0]
                found |= {m.group(1) for m in _SUB_REFERENCE.finditer(text)} & names
                if not isinstance(item, str):
                    found |= _references(item[1], names)
            elif key == "DependsOn":
                found |= set([item] if isinstance(item, str) else item) & names
            else:
                found |= _references(item, names)
    return found


def _without_references(value: Any, skipped: set[str]) -> Any:
    if isinstance(value, list):
        return [_without_references(item, skipped) for item in value]
    if not isinstance(value, dict):
        return value
    if set(value) == {"Ref"} and value["Ref"] in skipped:
        return PLACEHOLDER.format(value["Ref"])
    if set(value) == {"Fn::GetAtt"}:
        target = value["Fn::GetAtt"]
        name, attribute = target if isinstance(target, list) else target.split(".", 1)
        if name in skipped:
            return PLACEHOLDER.format(f"{name}.{attribute}")
    if set(value) == {"Fn::Sub"}:
        return {"Fn::Sub": _sub_without_references(value["Fn::Sub"], skipped)}
    cleaned = {key: _without_references(item, skipped) for key, item in value.items()}
    if "DependsOn" in cleaned:
        depends = cleaned["DependsOn"]
        depends = [depends] if isinstance(depends, str) else depends
        cleaned["DependsOn"] = [name for name in depends if name not in skipped]
    return cleaned


def _sub_without_references(sub: Any, skipped: set[str]) -> Any:
    def replace(match: re.Match[str]) -> str:
        name, attribute = match.group(1), match.group(2)
        if name not in skipped:
            return match.group(0)
        return PLACEHOLDER.format(f"{name}.{attribute}" if attribute else name)

    if isinstance(sub, str):
        return _SUB_REFERENCE.sub(replace, sub)
    text, variables = sub
    return [_SUB_REFERENCE.sub(replace, text), _without_references(variables, skipped)]
