"""The console's one origin under ``make run``: the built console (``console/dist``) at ``/``,
the four APIs at ``/competition/…``, ``/ordering/…``, ``/delivery/…`` and ``/rating/…`` (the
prefix stripped, as Caddy does in compose), and, in development mode only, the sign-in's
development routes:

- ``GET /dev/people``: the demo's PPK, official, auditor and admin, and one user per catalogue
  vendor (read from the competition service with an admin token);
- ``POST /dev/token`` ``{"person_id": …}``: that person's development token, minted with the
  services' own ``JWT_SECRET`` (``epurchasing_shared.auth.mint_token``).

The development routes exist only when ``DEVELOPMENT_MODE=true`` (``make run`` sets it); without
it ``/config.json`` says ``oidc`` and names ``CONSOLE_OIDC_AUTHORITY``/``CONSOLE_OIDC_CLIENT_ID``.
Production serves the console from Caddy (docker compose), where none of this runs.

``--build`` builds the console first when ``console/dist`` is missing or older than its
sources (``npm install --no-package-lock`` when ``node_modules`` is missing); ``--watch`` also
rebuilds it whenever its sources change (``vite build --watch``).
"""

import argparse
import asyncio
import os
import subprocess
import sys
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

ROOT = Path(__file__).resolve().parent.parent
CONSOLE = ROOT / "console"
DIST = CONSOLE / "dist"
SERVICES = {"competition": 8001, "ordering": 8002, "delivery": 8003, "rating": 8004}
HOP_HEADERS = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailers",
    "transfer-encoding",
    "upgrade",
    "host",
    "content-length",
    "content-encoding",
}
MAX_BODY = 12 * 1024 * 1024


def development_mode() -> bool:
    return os.environ.get("DEVELOPMENT_MODE", "").lower() in {"1", "true", "yes"}


def service_urls() -> dict[str, str]:
    urls = {}
    for name, port in SERVICES.items():
        port_text = os.environ.get(f"{name.upper()}_PORT", str(port))
        urls[name] = os.environ.get(f"{name.upper()}_URL", f"http://127.0.0.1:{port_text}")
    return urls


def sources_newer_than_dist() -> bool:
    built = DIST / "index.html"
    if not built.exists():
        return True
    stamp = built.stat().st_mtime
    watched = [CONSOLE / "index.html", CONSOLE / "package.json", CONSOLE / "vite.config.ts"]
    watched += list((CONSOLE / "src").rglob("*"))
    watched += list((ROOT / "docs" / "api").glob("*.openapi.json"))
    return any(
        p.is_file() and p.stat().st_mtime > stamp for p in watched if "generated" not in p.parts
    )


def build_console(force: bool = False) -> None:
    """npm install (when needed) and npm run build (types from docs/api, tsc, vite)."""
    if not (CONSOLE / "node_modules" / ".bin" / "vite").exists():
        print("console: npm install --no-package-lock", flush=True)
        subprocess.run(
            ["npm", "install", "--no-package-lock", "--no-audit", "--no-fund"],
            cwd=CONSOLE,
            check=True,
        )
    if force or sources_newer_than_dist():
        print("console: npm run build", flush=True)
        subprocess.run(["npm", "run", "build"], cwd=CONSOLE, check=True)


# --- the demo's people (development only) -------------------------------------------------


def _cast():  # imported lazily: the demo package and shared settings come with `make install`
    from epurchasing_demo.cast import Cast

    return Cast()


async def people(http: httpx.AsyncClient) -> list[dict]:
    cast = _cast()
    found = [
        {"id": cast.ppk.sub, "role": "ppk", "name": cast.ppk.name, "work_unit": cast.work_unit},
        {
            "id": cast.official.sub,
            "role": "procurement_official",
            "name": cast.official.name,
            "work_unit": cast.work_unit,
        },
        {"id": cast.auditor.sub, "role": "auditor", "name": cast.auditor.name},
        {"id": cast.admin.sub, "role": "admin", "name": cast.admin.name},
    ]
    admin = cast.admin_headers()
    cursor = None
    base = service_urls()["competition"]
    while True:
        query = {"limit": "200"} | ({"cursor": cursor} if cursor else {})
        try:
            answer = await http.get(f"{base}/catalogue/vendors", headers=admin, params=query)
        except httpx.HTTPError:
            break
        if answer.status_code != 200:
            break
        page = answer.json()
        for vendor in page["items"]:
            found.append(
                {
                    "id": f"vendor:{vendor['id']}",
                    "role": "vendor",
                    "name": vendor["name"],
                    "vendor_id": vendor["id"],
                }
            )
        cursor = page.get("next_cursor")
        if not cursor:
            break
    return found


async def dev_people(request: Request) -> Response:
    return JSONResponse(await people(request.app.state.http))


async def dev_token(request: Request) -> Response:
    from epurchasing_shared.auth import mint_token

    try:
        wanted = str((await request.json())["person_id"])
    except (ValueError, KeyError, TypeError):
        return JSONResponse({"detail": "person_id is required"}, status_code=422)
    cast = _cast()
    for person in await people(request.app.state.http):
        if person["id"] != wanted:
            continue
        vendor_id = person.get("vendor_id")
        token = mint_token(
            cast.settings,
            sub=f"user-{vendor_id[:8]}" if vendor_id else person["id"],
            role=person["role"],
            name=person["name"],
            email=cast.ppk.email if person["id"] == cast.ppk.sub else None,
            work_unit=person.get("work_unit"),
            vendor_id=vendor_id,
        )
        return JSONResponse({"token": token})
    return JSONResponse({"detail": f"no such person: {wanted}"}, status_code=404)


async def not_found(request: Request) -> Response:
    return Response("Not found", status_code=404)


async def config(request: Request) -> Response:
    if development_mode():
        return JSONResponse({"auth": "development"})
    return JSONResponse(
        {
            "auth": "oidc",
            "authority": os.environ.get("CONSOLE_OIDC_AUTHORITY", ""),
            "client_id": os.environ.get("CONSOLE_OIDC_CLIENT_ID", ""),
            "scope": os.environ.get("CONSOLE_OIDC_SCOPE", "openid profile email"),
        }
    )


# --- the proxy and the static files -------------------------------------------------------


async def proxy(request: Request) -> Response:
    service = request.url.path.lstrip("/").split("/", 1)[0]
    rest = request.path_params.get("rest", "")
    target = f"{service_urls()[service]}/{rest}"
    headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_HEADERS}
    headers["X-Forwarded-Prefix"] = f"/{service}"
    body = await request.body()
    if len(body) > MAX_BODY:
        return Response("Request too large", status_code=413)
    try:
        answer = await request.app.state.http.request(
            request.method, target, params=request.query_params, headers=headers, content=body
        )
    except httpx.HTTPError as error:
        return JSONResponse(
            {
                "type": "about:blank",
                "title": "Service Unavailable",
                "status": 503,
                "detail": f"the {service} service does not answer ({type(error).__name__})",
            },
            status_code=503,
            media_type="application/problem+json",
        )
    out = {k: v for k, v in answer.headers.items() if k.lower() not in HOP_HEADERS}
    return Response(answer.content, status_code=answer.status_code, headers=out)


async def static(request: Request) -> Response:
    path = request.path_params.get("path", "")
    candidate = (DIST / path).resolve()
    if path and candidate.is_file() and DIST.resolve() in candidate.parents:
        return FileResponse(candidate)
    index = DIST / "index.html"
    if not index.exists():
        return Response("console not built yet: npm run build in console/", status_code=503)
    return FileResponse(index, headers={"Cache-Control": "no-store"})


def app() -> Starlette:
    @asynccontextmanager
    async def lifespan(instance: Starlette):
        async with httpx.AsyncClient(timeout=60) as http:
            instance.state.http = http
            yield

    routes = [Route("/config.json", config)]
    if development_mode():
        routes += [
            Route("/dev/people", dev_people),
            Route("/dev/token", dev_token, methods=["POST"]),
        ]
    else:  # no development sign-in outside development mode, not even the page in its place
        routes.append(Route("/dev/{rest:path}", not_found))
    methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
    for service in SERVICES:
        routes.append(Route(f"/{service}/{{rest:path}}", proxy, methods=methods, name=service))
    routes.append(Route("/{path:path}", static))
    instance = Starlette(routes=routes, lifespan=lifespan)
    return instance


async def _serve(port: int, host: str, watch: bool) -> int:
    watcher = None
    if watch:
        watcher = await asyncio.create_subprocess_exec(
            "npm", "run", "watch", "--", "--logLevel", "warn", cwd=CONSOLE
        )
    server = uvicorn.Server(uvicorn.Config(app(), host=host, port=port, log_level="warning"))
    print(
        f"console: http://localhost:{port}/ (development sign-in: {development_mode()})", flush=True
    )
    try:
        await server.serve()
    finally:
        if watcher and watcher.returncode is None:
            watcher.terminate()
            await watcher.wait()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("CONSOLE_PORT", "8080")))
    parser.add_argument("--host", default=os.environ.get("BIND_HOST", "127.0.0.1"))
    parser.add_argument("--build", action="store_true", help="build console/dist when stale")
    parser.add_argument("--watch", action="store_true", help="rebuild when the sources change")
    args = parser.parse_args()
    watch = args.watch
    if args.build or args.watch:
        try:
            build_console()
        except (OSError, subprocess.CalledProcessError) as error:
            # The APIs stay reachable through this origin; the page says the console is not built.
            print(
                f"console: could not build console/ ({error}); needs Node.js 20 and npm", flush=True
            )
            watch = False
    return asyncio.run(_serve(args.port, args.host, watch))


if __name__ == "__main__":
    sys.exit(main())
