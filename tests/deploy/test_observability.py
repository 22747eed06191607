"""What ships for observability, checked statically: Prometheus scrapes every service's
/metrics, Grafana is provisioned with a valid dashboard that reads only metrics the code
exposes, and the services send their traces to the compose file's Jaeger."""

import json
import re
from pathlib import Path

import pytest
import yaml
from fastapi import FastAPI
from prometheus_client import generate_latest

from epurchasing_shared.metrics import install_metrics

ROOT = Path(__file__).resolve().parents[2]
SERVICES = {"competition": 8001, "ordering": 8002, "delivery": 8003, "rating": 8004}
DASHBOARD = ROOT / "deploy/grafana/dashboards/epurchasing.json"
# Where metric families are defined: the shared module, and the services' own scrape probes.
METRIC_SOURCES = [
    ROOT / "shared/src/epurchasing_shared/metrics.py",
    ROOT / "shared/src/epurchasing_shared/mail/metrics.py",
    *ROOT.glob("services/*/src/*/adapters/*metrics*.py"),
]
PROMQL_WORDS = {
    "sum", "by", "rate", "histogram_quantile", "le", "job", "without", "on", "ignoring",
    "avg", "max", "min", "count", "increase", "irate", "topk", "bottomk", "offset",
}  # fmt: skip


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def exposed_metric_names() -> set[str]:
    """Every sample name the code can expose: the app registry's families (HTTP, process,
    the spine's counters) as written out, and the gauges built at scrape time."""
    names: set[str] = set()
    registry = install_metrics(FastAPI())
    for line in generate_latest(registry).decode().splitlines():
        match = re.match(r"# TYPE (\w+) (\w+)", line)
        if not match:
            continue
        name, kind = match.groups()
        if kind == "counter":
            base = name.removesuffix("_total")
            names |= {f"{base}_total", f"{base}_created"}
        elif kind == "histogram":
            names |= {f"{name}_bucket", f"{name}_sum", f"{name}_count", f"{name}_created"}
        else:
            names.add(name)
    for source in METRIC_SOURCES:
        text = source.read_text()
        names |= set(re.findall(r"(?:gauge|GaugeMetricFamily)\(\s*\"([a-z_:]+)\"", text))
    return names


def dashboard_expressions() -> list[str]:
    found = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("expr"), str):
                found.append(node["expr"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(DASHBOARD.read_text()))
    return found


def metric_names_in(expression: str) -> set[str]:
    without_strings = re.sub(r'"[^"]*"', '""', expression)
    without_ranges = re.sub(r"\[[^\]]*\]", "", without_strings)
    without_labels = re.sub(r"\{[^}]*\}", "", without_ranges)
    without_groupings = re.sub(r"\b(by|without)\s*\([^)]*\)", "", without_labels)
    tokens = set(re.findall(r"[a-zA-Z_:][a-zA-Z0-9_:]*", without_groupings))
    return {t for t in tokens if t not in PROMQL_WORDS and not t.startswith("__")}


class TestDashboard:
    def test_it_is_valid_json_with_unique_panel_ids_and_the_prometheus_datasource(self):
        dashboard = json.loads(DASHBOARD.read_text())
        assert dashboard["uid"] == "epurchasing"
        ids = [panel["id"] for panel in dashboard["panels"]]
        assert len(ids) == len(set(ids))
        for panel in dashboard["panels"]:
            if panel["type"] != "row":
                assert panel["datasource"]["uid"] == "prometheus", panel["title"]
                assert panel["targets"], panel["title"]

    def test_it_reads_only_metrics_the_code_exposes(self):
        exposed = exposed_metric_names()
        used = set()
        for expression in dashboard_expressions():
            used |= metric_names_in(expression)
        unknown = used - exposed
        assert not unknown, f"the dashboard reads metrics no code exposes: {sorted(unknown)}"
        # The operator's questions of the issue, each answered by a panel.
        for needed in (
            "http_requests_total",
            "http_request_seconds_bucket",
            "process_resident_memory_bytes",
            "epurchasing_outbox_backlog",
            "epurchasing_outbox_oldest_unpublished_seconds",
            "epurchasing_outbox_published_total",
            "epurchasing_outbox_publish_failures_total",
            "epurchasing_consumer_messages_total",
            "epurchasing_dlq_messages",
            "epurchasing_mail_messages",
            "epurchasing_turns_open",
            "epurchasing_turns_overdue",
            "epurchasing_event_handoff_seconds_bucket",
            "epurchasing_dependency_up",
        ):
            assert needed in used, needed

    def test_the_name_check_itself_catches_a_typo(self):
        assert metric_names_in('sum by (job) (rate(http_requests_totl{job="x"}[5m]))') == {
            "http_requests_totl"
        }


class TestComposeObservability:
    def test_prometheus_scrapes_every_services_metrics(self, compose):
        prometheus = compose["services"]["prometheus"]
        assert (
            "./deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro"
            in (prometheus["volumes"])
        )
        config = yaml.safe_load((ROOT / "deploy/prometheus/prometheus.yml").read_text())
        jobs = {job["job_name"]: job for job in config["scrape_configs"]}
        for service, port in SERVICES.items():
            targets = [t for c in jobs[service]["static_configs"] for t in c["targets"]]
            assert targets == [f"{service}:{port}"]
            assert jobs[service].get("metrics_path", "/metrics") == "/metrics"
            assert str(port) in compose["services"][service]["expose"]

    def test_grafana_is_provisioned_with_prometheus_and_the_dashboard(self, compose):
        grafana = compose["services"]["grafana"]
        volumes = grafana["volumes"]
        assert "./deploy/grafana/provisioning:/etc/grafana/provisioning:ro" in volumes
        assert "./deploy/grafana/dashboards:/var/lib/grafana/dashboards:ro" in volumes
        sources = yaml.safe_load(
            (ROOT / "deploy/grafana/provisioning/datasources/prometheus.yml").read_text()
        )
        by_uid = {source["uid"]: source for source in sources["datasources"]}
        assert by_uid["prometheus"]["url"] == "http://prometheus:9090"
        providers = yaml.safe_load(
            (ROOT / "deploy/grafana/provisioning/dashboards/epurchasing.yml").read_text()
        )
        assert providers["providers"][0]["options"]["path"] == "/var/lib/grafana/dashboards"
        password = grafana["environment"]["GF_SECURITY_ADMIN_PASSWORD"]
        assert password.startswith("${GRAFANA_ADMIN_PASSWORD:?")

    @pytest.mark.parametrize("service", SERVICES)
    def test_each_service_sends_its_traces_to_jaeger(self, compose, service):
        environment = compose["services"][service]["environment"]
        assert environment["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://jaeger:4318"
        assert "4318" in [str(port) for port in compose["services"]["jaeger"]["expose"]]
