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

    @pytest.mark.parametrize("service", SERVICES)
    def test_a_service_reads_the_operators_env_never_the_example(self, compose, service):
        env_file = json.dumps(compose["services"][service]["env_file"])
        assert ".env" in env_file and "example" not in env_file

    def test_the_example_holds_no_usable_secret(self):
        env = example_env()
        for name in (
            "JWT_SECRET",
            "POSTGRES_PASSWORD",
            "RABBITMQ_ADMIN_PASSWORD",
            "GRAFANA_ADMIN_PASSWORD",
        ):
            assert env[name] == "", name
        assert env["DEVELOPMENT_MODE"] == "false"
        assert "dev-secret" not in (ROOT / "docker-compose.yml").read_text()

    def test_compose_requires_every_secret_it_interpolates(self):
        text = (ROOT / "docker-compose.yml").read_text()
        secrets = [
            n
            for n in example_env()
            if re.fullmatch(r"POSTGRES_PASSWORD|\w+_DB_PASSWORD|RABBITMQ_\w+", n)
        ]
        secrets = [n for n in secrets if n.endswith("PASSWORD")]
        assert len(secrets) == 11
        for name in secrets:
            uses = re.findall(r"\$\{" + name + r"(:\?|:-|\})", text)
            assert uses and all(use == ":?" for use in uses), name

    def test_only_the_proxy_and_the_operators_uis_are_published(self, compose):
        published = {
            name: [str(p) for p in service.get("ports", [])]
            for name, service in compose["services"].items()
            if service.get("ports")
        }
        assert set(published) == {"proxy", "rabbitmq", "mailpit", "grafana", "jaeger"}
        assert published["rabbitmq"] == ["127.0.0.1:${RABBITMQ_MANAGEMENT_PORT:-15672}:15672"]
        assert published["mailpit"] == ["127.0.0.1:${MAILPIT_UI_PORT:-8025}:8025"]
        assert published["grafana"] == ["127.0.0.1:${GRAFANA_PORT:-3000}:3000"]
        assert published["jaeger"] == ["127.0.0.1:${JAEGER_UI_PORT:-16686}:16686"]
        container_ports = {p.rsplit(":", 1)[1] for ports in published.values() for p in ports}
        assert container_ports == {"80", "15672", "8025", "3000", "16686"}

    def test_rabbitmq_has_a_volume_a_fixed_hostname_and_loads_its_definitions(self, compose):
        rabbitmq = compose["services"]["rabbitmq"]
        assert rabbitmq["hostname"] == "rabbitmq"
        assert "rabbitmq-data:/var/lib/rabbitmq" in rabbitmq["volumes"]
        assert "rabbitmq-data" in compose["volumes"]
        conf = (ROOT / "deploy/rabbitmq/rabbitmq.conf").read_text()
        assert "definitions.local.path = /tmp/epurchasing-definitions" in conf
        entrypoint = (ROOT / "deploy/rabbitmq/entrypoint.sh").read_text()
        for part in ("definitions.json", "policies.json", "30-users.json", "docker-entrypoint.sh"):
            assert part in entrypoint
        for name in ("ADMIN", "COMPETITION", "ORDERING", "DELIVERY", "RATING", "SUBSCRIBER"):
            assert f"RABBITMQ_{name}_PASSWORD" in rabbitmq["environment"]

    @pytest.mark.parametrize("service", SERVICES)
    def test_each_service_has_its_own_broker_user_and_database_owner(self, compose, service):
        environment = compose["services"][service]["environment"]
        assert environment["AMQP_URL"].startswith(f"amqp://{service}:${{RABBITMQ_")
        url = environment[f"{service.upper()}_DATABASE_URL"]
        assert url.startswith(f"postgresql+asyncpg://{service}:${{{service.upper()}_DB_PASSWORD")
        assert url.endswith(f"@postgres:5432/epurchasing_{service}")

    @pytest.mark.parametrize("service", SERVICES)
    def test_migrations_run_once_before_the_service_which_only_serves(self, compose, service):
        migrate = compose["services"][f"{service}-migrate"]
        assert migrate["command"] == ["python", "-m", service, "migrate"]
        assert migrate["restart"] == "no"
        assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
        depends = compose["services"][service]["depends_on"]
        assert depends[f"{service}-migrate"]["condition"] == "service_completed_successfully"
        assert compose["services"][service]["command"] == ["python", "-m", service, "serve"]

    def test_the_proxy_routes_one_path_prefix_to_each_service(self):
        caddyfile = (ROOT / "deploy/caddy/Caddyfile").read_text()
        for service, port in zip(SERVICES, (8001, 8002, 8003, 8004), strict=True):
            assert f"handle_path /{service}/* {{\n\t\treverse_proxy {service}:{port}" in caddyfile

    def test_the_database_urls_name_databases_that_the_init_script_creates(self, compose):
        created = set(
            re.findall(r"CREATE DATABASE (\w+);", (ROOT / "deploy/postgres/init.sql").read_text())
        )
        for service in SERVICES:
            url = compose["services"][service]["environment"][f"{service.upper()}_DATABASE_URL"]
            assert url.rsplit("/", 1)[1] in created
            assert "@postgres:" in url  # the compose service name, not localhost
            owners = (ROOT / "deploy/postgres/owners.sh").read_text()
            assert service in owners


class TestDockerfile:
    def test_the_container_serves_and_the_local_runner_migrates_and_serves(self):
        dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
        assert 'python -m \\"$SERVICE\\" serve' in dockerfile
        runner = (ROOT / "scripts" / "run_local.py").read_text()
        assert '"migrate-and-serve"' in runner

    def test_it_is_multi_stage_and_runs_as_a_non_root_user(self):
        dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
        stages = re.findall(r"^FROM \S+ AS (\w+)$", dockerfile, flags=re.M)
        assert stages == ["build", "runtime"]
        runtime = dockerfile.split("AS runtime", 1)[1]
        assert "COPY --from=build /opt/venv /opt/venv" in runtime
        users = re.findall(r"^USER (\S+)$", runtime, flags=re.M)
        assert users and users[-1] not in ("root", "0")

    def test_it_installs_the_locked_dependencies_with_their_hashes(self):
        dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
        assert "--require-hashes --no-deps -r deploy/constraints.txt" in dockerfile

    def test_the_build_context_leaves_out_secrets_and_local_state(self):
        ignored = (ROOT / ".dockerignore").read_text().splitlines()
        for pattern in (".env", "**/.git", "**/.venv", "var/"):
            assert pattern in ignored

    def test_it_installs_only_pinned_requirements(self):
        for line in (ROOT / "requirements.txt").read_text().splitlines():
            if line and not line.startswith("#"):
                assert re.fullmatch(r"[A-Za-z0-9_.\[\]-]+==[0-9][\w.]*", line), line


class TestConstraints:
    """deploy/constraints.txt: every runtime package, transitive ones included, with hashes."""

    def pins(self) -> dict[str, list[str]]:
        text = (ROOT / "deploy" / "constraints.txt").read_text()
        found: dict[str, list[str]] = {}
        for block in re.split(r"\n(?=[A-Za-z0-9])", text):
            match = re.match(r"([A-Za-z0-9_.-]+)==(\S+)", block)
            if match:
                found[match[1].lower()] = [
                    match[2],
                    *re.findall(r"--hash=sha256:[0-9a-f]{64}", block),
                ]
        return found

    def test_every_requirement_is_locked_at_its_pinned_version(self):
        pins = self.pins()
        for line in (ROOT / "requirements.txt").read_text().splitlines():
            if line and not line.startswith("#"):
                name, _, version = line.partition("==")
                key = re.sub(r"\[.*\]", "", name).lower()
                assert pins[key][0] == version, f"{line}: run make lock"

    def test_every_locked_package_has_a_hash_and_no_index_is_named(self):
        pins = self.pins()
        assert len(pins) > 20
        assert all(len(entry) >= 2 for entry in pins.values())
        text = (ROOT / "deploy" / "constraints.txt").read_text()
        for forbidden in ("--index-url", "--extra-index-url", "--find-links", "--trusted-host"):
            assert forbidden not in text.replace("--no-emit-index-url", "").replace(
                "--no-emit-find-links", ""
            ).replace("--no-emit-trusted-host", "")


class TestRabbitMqDefinitions:
    def test_the_shipped_definitions_equal_the_topology_the_services_declare(self):
        shipped = json.loads((ROOT / "deploy" / "rabbitmq" / "definitions.json").read_text())
        assert shipped == definitions(Topology())

    def test_every_consumer_queue_is_a_quorum_queue_with_a_delivery_limit_and_a_dlq(self):
        shipped = json.loads((ROOT / "deploy" / "rabbitmq" / "definitions.json").read_text())
        queues = {q["name"]: q for q in shipped["queues"]}
        for consumer in Topology().consumers:
            base = f"{consumer.service}.{consumer.purpose}"
            arguments = queues[f"{base}.sac"]["arguments"]
            assert arguments["x-queue-type"] == "quorum"
            assert arguments["x-single-active-consumer"] is True
            assert arguments["x-delivery-limit"] >= 1
            assert arguments["x-dead-letter-exchange"] == "epurchasing.dlx"
            assert arguments["x-dead-letter-routing-key"] == base
            assert f"{base}.dlq" in queues

    def test_the_policies_and_permissions_name_every_queue_of_the_topology(self):
        policies = json.loads((ROOT / "deploy" / "rabbitmq" / "policies.json").read_text())
        pattern = {p["name"]: p["pattern"] for p in policies["policies"]}
        entrypoint = (ROOT / "deploy" / "rabbitmq" / "entrypoint.sh").read_text()
        topology = re.search(r"^TOPOLOGY='(.*)'$", entrypoint, re.M)
        read = re.search(r"^READ='(.*)'$", entrypoint, re.M)
        assert topology and read
        configure = topology[1].replace("\\\\", "\\")
        readable = read[1].replace("\\\\", "\\")
        for consumer in Topology().consumers:
            queue = Topology().queue(consumer.service, consumer.purpose)
            (legacy,) = Topology().legacy_queues(consumer.service, consumer.purpose)
            dead = Topology().dead_letter_queue(queue)
            assert re.search(pattern["epurchasing-consumers"], queue)
            assert re.search(pattern["epurchasing-consumers"], legacy)
            assert re.search(pattern["epurchasing-dead-letters"], dead)
            for name in (queue, legacy, dead, f"{legacy}.sac.lock"):
                assert re.search(configure, name), name
            assert re.search(readable, queue) and re.search(readable, legacy)
            assert not re.search(readable, dead)
