"""The config schema (``config.schema.yaml`` beside this module): every key of a config, its
default and what is allowed, and its violations in words.

The schema is the one home of every default (``defaults``) and of the long name and units of
every parameter (``parameter_attrs``, for the coordinates that carry it in runs and cubes).
``schema_problems`` lists every violation of a config, one line each, naming the key path, the
value and what is allowed; ``rbmsweep.validation.validate`` adds the relations between keys.
"""

import json
from functools import lru_cache
from importlib.resources import files


def problem(key, value, allowed):
    """One problem of a config, in the words every problem uses."""
    return f"{key}: {_show(value)} is not allowed; {allowed}"


def _show(value):
    return repr(value) if isinstance(value, str) else json.dumps(value, default=str)


@lru_cache(maxsize=1)
def schema():
    """The config schema (a dict), read once from ``config.schema.yaml`` in the package."""
    import yaml

    return yaml.safe_load(files("rbmsweep").joinpath("config.schema.yaml").read_text())


def defaults(section):
    """The schema's default of every key of a study section that has one."""
    properties = schema()["$defs"][section]["properties"]
    return {key: prop["default"] for key, prop in properties.items() if "default" in prop}


def parameter_attrs(section, key):
    """``long_name`` and ``units`` of a config key, from the schema (for the coordinate that
    carries its value in runs and cubes)."""
    prop = schema()["$defs"][section]["properties"].get(key, {})
    return {name: prop[name] for name in ("long_name", "units") if name in prop}


def _allowed(error):
    """What a JSON-schema error allows, in words."""
    kind, rule = error.validator, error.validator_value
    described = error.schema.get("description") if isinstance(error.schema, dict) else None
    if kind == "enum":
        text = f"allowed: {', '.join(v if isinstance(v, str) else json.dumps(v) for v in rule)}"
    elif kind == "minimum":
        text = f"it must be ≥ {rule}"
    elif kind == "exclusiveMinimum":
        text = f"it must be > {rule}"
    elif kind == "maximum":
        text = f"it must be ≤ {rule}"
    elif kind == "exclusiveMaximum":
        text = f"it must be < {rule}"
    elif kind == "type":
        types = [rule] if isinstance(rule, str) else list(rule)
        text = "it must be " + " or ".join(
            {"array": "a list", "number": "a number", "integer": "an integer",
             "string": "a string", "boolean": "true or false", "object": "a mapping"}.get(t, t)
            for t in types)
    elif kind == "minItems":
        text = f"a list needs at least {rule} item{'s' if rule > 1 else ''}"
    elif kind == "maxItems":
        text = f"a list may have at most {rule} items"
    elif kind == "uniqueItems":
        text = "the values of a list must be distinct"
    elif kind == "pattern":
        text = f"it must match {rule}"
    elif kind == "minProperties":
        text = f"give at least {rule} entr{'ies' if rule > 1 else 'y'}"
    else:
        text = error.message
    return f"{text} ({described})" if described and kind != "required" else text


def _path(parts):
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "the config"


def schema_problems(config):
    """Every schema violation of ``config``, one line each."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(schema())
    problems = []
    for error in sorted(validator.iter_errors(config), key=lambda e: [str(p) for p in e.path]):
        if error.validator in ("if", "then", "$ref"):
            continue
        path = list(error.path)
        if error.validator == "additionalProperties":
            allowed = sorted(error.schema.get("properties", {}))
            for key in sorted(set(error.instance) - set(allowed)):
                problems.append(f"{_path(path + [key])}: unknown key; allowed here: "
                                f"{', '.join(allowed) or 'none'}")
            continue
        if error.validator == "required":
            problems.append(f"{_path(path)}: {error.message.split(' is ')[0]} is missing; "
                            "it is required")
            continue
        if error.validator == "propertyNames":
            problems.append(f"{_path(path)}: {error.message}")
            continue
        problems.append(problem(_path(path), error.instance, _allowed(error)))
    return list(dict.fromkeys(problems))
