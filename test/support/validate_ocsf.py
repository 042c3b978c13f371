"""
Validates OCSF JSON Lines against the OCSF JSON schema of each line's declared version, class
and profiles, as the `ocsf-json-schema` package (PyPI) generates it, with `jsonschema`.
Nothing is assumed: a line that declares no profile is checked without any, so an attribute that
only a profile allows is an error, as a strict consumer would see it.

Usage: validate_ocsf.py FILE... ; prints one JSON object:
  {"lines": n, "byClass": {"API Activity": n, ...}, "errors": [{"file", "line", "class", "path", "message"}]}
(at most 200 errors listed; "errorCount" has them all). Exit status 0 whatever was found:
the caller decides.
"""
import json
import sys

from jsonschema import Draft202012Validator
from ocsf_json_schema import OcsfJsonSchemaEmbedded, get_ocsf_schema

schemas = {}
validators = {}


def validator_for(version, class_uid, profiles):
    if version not in schemas:
        schemas[version] = OcsfJsonSchemaEmbedded(get_ocsf_schema(version=version))
    schema = schemas[version]
    name = schema.lookup_class_name_from_uid(class_uid)
    key = (version, name, tuple(sorted(profiles)))
    if key not in validators:
        validators[key] = (name, Draft202012Validator(schema.get_class_schema(name, list(profiles))))
    return validators[key]


def main(paths):
    lines = 0
    by_class = {}
    errors = []
    error_count = 0
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            for number, text in enumerate(handle, start=1):
                if not text.strip():
                    continue
                lines += 1
                try:
                    record = json.loads(text)
                    metadata = record.get("metadata") or {}
                    version = metadata.get("version")
                    profiles = metadata.get("profiles") or []
                    name, validator = validator_for(version, record.get("class_uid"), profiles)
                except Exception as error:  # an unknown version or class is an error of the line
                    error_count += 1
                    if len(errors) < 200:
                        errors.append({"file": path, "line": number, "class": None, "path": "", "message": f"cannot be validated: {error}"})
                    continue
                by_class[name] = by_class.get(name, 0) + 1
                for error in validator.iter_errors(record):
                    error_count += 1
                    if len(errors) < 200:
                        errors.append({"file": path, "line": number, "class": name, "path": "/".join(str(p) for p in error.absolute_path), "message": error.message[:500]})
    print(json.dumps({"lines": lines, "byClass": by_class, "errorCount": error_count, "errors": errors}))


if __name__ == "__main__":
    main(sys.argv[1:])
