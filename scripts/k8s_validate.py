"""Render every kustomize overlay of deploy/k8s and validate each object offline (``make
k8s-check``): built-in kinds against the Kubernetes schemas that ``kubernetes-validate`` ships
(strict: unknown fields are errors), custom resources (RabbitmqCluster, the Messaging Topology
Operator's Queue/Policy/User/..., CloudNativePG's Cluster and Database) against the CRD schemas
committed in deploy/k8s/schemas/ (also strict). No network.

The renderer understands the part of kustomize this repository uses: ``resources`` (files and
directories), ``namespace``, ``images``, ``replicas`` and ``patches`` (strategic merge by kind
and name; lists of named items merge by name). tests/deploy compares it with ``kubectl
kustomize`` where kubectl is installed.
"""

import copy
import json
import sys
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import yaml

ROOT = Path(__file__).resolve().parents[1]
K8S = ROOT / "deploy" / "k8s"
SCHEMAS = K8S / "schemas"
KUBERNETES_VERSION = "1.33"
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition"}
Object = dict[str, Any]


def _load(path: Path) -> list[Object]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def _merge(base: Any, patch: Any) -> Any:
    """Strategic merge, as far as these manifests need it."""
    if isinstance(base, dict) and isinstance(patch, dict):
        merged = dict(base)
        for key, value in patch.items():
            merged[key] = _merge(base[key], value) if key in base else copy.deepcopy(value)
        return merged
    named = (
        isinstance(base, list)
        and isinstance(patch, list)
        and all(isinstance(i, dict) and "name" in i for i in [*base, *patch])
        and base
    )
    if named:
        merged_list = [copy.deepcopy(i) for i in base]
        for item in patch:
            for index, existing in enumerate(merged_list):
                if existing["name"] == item["name"]:
                    merged_list[index] = _merge(existing, item)
                    break
            else:
                merged_list.append(copy.deepcopy(item))
        return merged_list
    return copy.deepcopy(patch)


def _images(obj: Any, images: list[Object]) -> None:
    if isinstance(obj, dict):
        for key, value in obj.items():
            if key in ("containers", "initContainers") and isinstance(value, list):
                for container in value:
                    for image in images:
                        name = container.get("image", "").split(":")[0]
                        if name == image["name"]:
                            new = image.get("newName", image["name"])
                            tag = image.get("newTag")
                            container["image"] = f"{new}:{tag}" if tag else new
            else:
                _images(value, images)
    elif isinstance(obj, list):
        for item in obj:
            _images(item, images)


def build(directory: Path) -> list[Object]:
    """The objects ``kustomize build directory`` prints (for the features above)."""
    kustomization = yaml.safe_load((directory / "kustomization.yaml").read_text())
    known = {"apiVersion", "kind", "resources", "namespace", "images", "replicas", "patches"}
    unknown = set(kustomization) - known
    if unknown:
        raise ValueError(f"{directory}: kustomize features this renderer lacks: {unknown}")
    objects: list[Object] = []
    for entry in kustomization.get("resources", []):
        path = directory / entry
        objects += build(path) if path.is_dir() else _load(path)
    for patch_entry in kustomization.get("patches", []):
        for patch in _load(directory / patch_entry["path"]):
            targets = [
                i
                for i, o in enumerate(objects)
                if (o["kind"], o["metadata"]["name"]) == (patch["kind"], patch["metadata"]["name"])
            ]
            if not targets:
                raise ValueError(f"patch {patch_entry['path']}: no {patch['kind']} to patch")
            for index in targets:
                objects[index] = _merge(objects[index], patch)
    for replica in kustomization.get("replicas", []):
        for obj in objects:
            scalable = obj["kind"] in ("Deployment", "StatefulSet", "ReplicaSet")
            if scalable and obj["metadata"]["name"] == replica["name"]:
                obj["spec"]["replicas"] = replica["count"]
    if kustomization.get("images"):
        for obj in objects:
            _images(obj, kustomization["images"])
    if "namespace" in kustomization:
        for obj in objects:
            if obj["kind"] not in CLUSTER_SCOPED:
                obj["metadata"]["namespace"] = kustomization["namespace"]
    return objects


def _strict(schema: Any) -> Any:
    """No field the schema does not name, unless it says unknown fields are kept."""
    if isinstance(schema, dict):
        schema = {k: _strict(v) for k, v in schema.items()}
        if (
            "properties" in schema
            and "additionalProperties" not in schema
            and not schema.get("x-kubernetes-preserve-unknown-fields")
        ):
            schema["additionalProperties"] = False
        return schema
    if isinstance(schema, list):
        return [_strict(i) for i in schema]
    return schema


def _crd_schema(obj: Object) -> Object | None:
    group, _, version = obj["apiVersion"].rpartition("/")
    path = SCHEMAS / f"{group}_{obj['kind'].lower()}_{version}.json"
    if not group or not path.is_file():
        return None
    schema = _strict(json.loads(path.read_text()))
    # metadata is the API server's: checked by name only.
    schema.setdefault("properties", {})["metadata"] = {"type": "object"}
    return schema


def problems(obj: Object) -> list[str]:
    """What is wrong with one object; empty when it is valid."""
    name = f"{obj.get('kind')}/{obj.get('metadata', {}).get('name')}"
    schema = _crd_schema(obj)
    if schema is not None:
        validator = jsonschema.Draft7Validator(schema)
        return [
            f"{name}: {'.'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(obj)
        ]
    try:
        kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as error:
        path = ".".join(str(p) for p in error.path)
        return [f"{name}: {path}: {error.message}"]
    except kubernetes_validate.SchemaNotFoundError:
        return [f"{name}: no schema for {obj['apiVersion']} {obj['kind']} (add its CRD schema)"]
    return []


def overlays() -> list[Path]:
    return sorted(p.parent for p in (K8S / "overlays").glob("*/kustomization.yaml"))


def main() -> int:
    failed = 0
    for overlay in overlays():
        objects = build(overlay)
        found = [p for obj in objects for p in problems(obj)]
        kinds = sorted({o["kind"] for o in objects})
        label = overlay.relative_to(ROOT)
        if found:
            failed += 1
            print(f"k8s: {label}: {len(found)} problem(s)")
            for problem in found:
                print(f"  {problem}")
        else:
            print(f"k8s: {label}: {len(objects)} objects valid ({', '.join(kinds)})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
