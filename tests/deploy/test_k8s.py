"""deploy/k8s: the generated parts are current, every overlay renders and validates offline,
the validator refuses what is wrong, and the manifests keep the promises of docs/scale-out.md."""

import copy
import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("competition", "ordering", "delivery", "rating")


def _script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


validate = _script("k8s_validate")
generate = _script("k8s_generate")
OVERLAYS = validate.overlays()


def by_key(objects):
    return {(o["kind"], o["metadata"]["name"]): o for o in objects}


def test_the_generated_manifests_are_current():
    for path, text in generate.generated().items():
        assert path.read_text() == text, f"{path.name}: run make k8s-generate"


def test_there_are_overlays():
    assert {o.name for o in OVERLAYS} >= {"staging", "production"}


@pytest.mark.parametrize("overlay", OVERLAYS, ids=lambda p: p.name)
def test_every_object_of_every_overlay_is_valid(overlay):
    problems = [p for obj in validate.build(overlay) for p in validate.problems(obj)]
    assert not problems


@pytest.mark.parametrize("overlay", OVERLAYS, ids=lambda p: p.name)
def test_the_renderer_agrees_with_kubectl_kustomize(overlay):
    if shutil.which("kubectl") is None:
        pytest.skip("kubectl is not installed here")
    done = subprocess.run(
        ["kubectl", "kustomize", str(overlay)], capture_output=True, text=True, check=True
    )
    theirs = [o for o in yaml.safe_load_all(done.stdout) if o]
    assert by_key(validate.build(overlay)) == by_key(theirs)


class TestTheValidatorRefuses:
    def objects(self):
        return by_key(validate.build(OVERLAYS[0]))

    def test_an_unknown_field_of_a_built_in_kind(self):
        deployment = copy.deepcopy(self.objects()[("Deployment", "competition")])
        deployment["spec"]["replica"] = 2
        assert validate.problems(deployment)

    def test_a_wrong_type_in_a_custom_resource(self):
        cluster = copy.deepcopy(self.objects()[("RabbitmqCluster", "epurchasing-mq")])
        cluster["spec"]["replicas"] = "three"
        assert validate.problems(cluster)

    def test_an_unknown_field_of_a_custom_resource(self):
        database = copy.deepcopy(self.objects()[("Cluster", "epurchasing-db")])
        database["spec"]["instancez"] = 3
        assert validate.problems(database)

    def test_a_kind_without_a_schema(self):
        assert validate.problems(
            {"apiVersion": "example.com/v1", "kind": "Thing", "metadata": {"name": "x"}}
        )


@pytest.mark.parametrize("overlay", OVERLAYS, ids=lambda p: p.name)
def test_each_service_is_replicated_probed_bounded_protected_and_migrated(overlay):
    objects = by_key(validate.build(overlay))
    for service in SERVICES:
        deployment = objects[("Deployment", service)]
        assert deployment["spec"]["replicas"] >= 2
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        assert container["command"] == ["python", "-m", service, "serve"]
        for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
            assert probe in container, probe
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert {"requests", "limits"} <= set(container["resources"])
        assert deployment["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"]
        assert objects[("PodDisruptionBudget", service)]["spec"]["minAvailable"] == 1
        job = objects[("Job", f"{service}-migrate")]
        assert job["spec"]["template"]["spec"]["containers"][0]["command"][-1] == "migrate"
        assert ("Service", service) in objects
        env = {e["name"]: e for e in container["env"]}
        assert env["JWT_SECRET"]["valueFrom"]["secretKeyRef"]["name"] == "epurchasing-jwt"
    assert objects[("ConfigMap", "epurchasing-config")]["data"]["DEVELOPMENT_MODE"] == "false"


@pytest.mark.parametrize("overlay", OVERLAYS, ids=lambda p: p.name)
def test_rabbitmq_and_postgresql_are_operator_managed_clusters(overlay):
    objects = by_key(validate.build(overlay))
    assert objects[("RabbitmqCluster", "epurchasing-mq")]["spec"]["replicas"] == 3
    postgres = objects[("Cluster", "epurchasing-db")]
    assert postgres["spec"]["instances"] >= 3
    databases = {postgres["spec"]["bootstrap"]["initdb"]["database"]} | {
        o["spec"]["name"] for (kind, _), o in objects.items() if kind == "Database"
    }
    assert databases == {f"epurchasing_{s}" for s in SERVICES}
    users = {o["metadata"]["name"] for (kind, _), o in objects.items() if kind == "User"}
    assert users == {f"mq-{s}" for s in (*SERVICES, "subscriber")}
    policies = {name for kind, name in objects if kind == "Policy"}
    assert "epurchasing-consumers" in policies
    queues = {o["spec"]["name"] for (kind, _), o in objects.items() if kind == "Queue"}
    shipped = yaml.safe_load((ROOT / "deploy/rabbitmq/definitions.json").read_text())
    assert queues == {q["name"] for q in shipped["queues"]}


def test_broker_permissions_are_the_same_in_compose_and_kubernetes():
    entrypoint = (ROOT / "deploy/rabbitmq/entrypoint.sh").read_text()
    assert f"TOPOLOGY='{generate.TOPOLOGY.replace(chr(92), chr(92) * 2)}'" in entrypoint
    assert f"READ='{generate.READ.replace(chr(92), chr(92) * 2)}'" in entrypoint


def test_the_ingress_has_the_paths_of_the_compose_proxy():
    ingress = by_key(yaml.safe_load_all((ROOT / "deploy/k8s/base/ingress.yaml").read_text()))
    paths = ingress[("Ingress", "epurchasing")]["spec"]["rules"][0]["http"]["paths"]
    routed = {p["backend"]["service"]["name"]: p["path"] for p in paths}
    caddyfile = (ROOT / "deploy/caddy/Caddyfile").read_text()
    for service in SERVICES:
        assert routed[service] == f"/({service})(/|$)(.*)"
        assert re.search(rf"handle_path /{service}/\*", caddyfile)
