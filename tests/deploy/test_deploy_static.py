"""Static checks of what ships for Docker (no engine runs here): compose file, Dockerfile,
example environment, RabbitMQ definitions, PostgreSQL init."""

import importlib
import json
import re
from pathlib import Path

import pytest
import yaml
from pydantic import AliasChoices

from epurchasing_shared.messaging.definitions import definitions
from epurchasing_shared.messaging.topology import Topology

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("competition", "ordering", "delivery", "rating")
INFRASTRUCTURE = ("rabbitmq", "postgres", "mailpit")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def env_names(service: str) -> set[str]:
    """The environment variables the service's settings read."""
    module = importlib.import_module(f"{service}.settings")
    settings_class = getattr(module, f"{service.capitalize()}Settings")
    prefix = settings_class.model_config.get("env_prefix", "")
    names = set()
    for name, field in settings_class.model_fields.items():
        alias = field.validation_alias
        if isinstance(alias, AliasChoices):
            names.add(str(alias.choices[0]).upper())
        else:
            names.add(f"{prefix}{name}".upper())
    return names


def example_env() -> dict[str, str]:
    found = {}
    for line in (ROOT / "deploy" / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            found[key.strip()] = value.strip()
    return found


class TestCompose:
    def test_infrastructure_and_every_service_have_a_health_check(self, compose):
        for name in (*INFRASTRUCTURE, *SERVICES):
            assert compose["services"][name].get("healthcheck", {}).get("test"), name

    @pytest.mark.parametrize("service", SERVICES)
    def test_a_service_starts_only_after_its_dependencies_are_healthy(self, compose, service):
        depends = compose["services"][service]["depends_on"]
        for name in ("rabbitmq", "postgres"):
            assert depends[name]["condition"] == "service_healthy"

    @pytest.mark.parametrize("service", SERVICES)
    def test_a_service_is_built_from_deploy_with_its_own_entry_point(self, compose, service):
        build = compose["services"][service]["build"]
        assert (ROOT / build["dockerfile"]).is_file()
        assert build["dockerfile"].startswith("deploy/")
        assert build["args"]["SERVICE"] == service
        assert (ROOT / "services" / service / "src" / service / "__main__.py").is_file()

    @pytest.mark.parametrize("service", SERVICES)
    def test_a_service_gets_every_variable_its_settings_read(self, compose, service):
        documented = set(example_env()) | set(compose["services"][service].get("environment", {}))
        missing = env_names(service) - documented
        assert not missing, f"{service}: not in deploy/.env.example: {sorted(missing)}"
        assert "deploy/.env.example" in json.dumps(compose["services"][service]["env_file"])

    def test_the_database_urls_name_databases_that_the_init_script_creates(self):
        created = set(
            re.findall(r"CREATE DATABASE (\w+);", (ROOT / "deploy/postgres/init.sql").read_text())
        )
        for service in SERVICES:
            url = example_env()[f"{service.upper()}_DATABASE_URL"]
            assert url.rsplit("/", 1)[1] in created
            assert "@postgres:" in url  # the compose service name, not localhost


class TestDockerfile:
    def test_the_container_command_is_the_entry_point_the_local_runner_uses(self):
        dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
        assert 'python -m \\"$SERVICE\\" migrate-and-serve' in dockerfile
        runner = (ROOT / "scripts" / "run_local.py").read_text()
        assert '"migrate-and-serve"' in runner

    def test_it_installs_only_pinned_requirements(self):
        for line in (ROOT / "requirements.txt").read_text().splitlines():
            if line and not line.startswith("#"):
                assert re.fullmatch(r"[A-Za-z0-9_.\[\]-]+==[0-9][\w.]*", line), line


class TestRabbitMqDefinitions:
    def test_the_shipped_definitions_equal_the_topology_the_services_declare(self):
        shipped = json.loads((ROOT / "deploy" / "rabbitmq" / "definitions.json").read_text())
        assert shipped == definitions(Topology())

    def test_every_consumer_queue_is_a_quorum_queue_with_a_delivery_limit_and_a_dlq(self):
        shipped = json.loads((ROOT / "deploy" / "rabbitmq" / "definitions.json").read_text())
        queues = {q["name"]: q for q in shipped["queues"]}
        for consumer in Topology().consumers:
            name = f"{consumer.service}.{consumer.purpose}"
            arguments = queues[name]["arguments"]
            assert arguments["x-queue-type"] == "quorum"
            assert arguments["x-delivery-limit"] >= 1
            assert arguments["x-dead-letter-exchange"] == "epurchasing.dlx"
            assert f"{name}.dlq" in queues
