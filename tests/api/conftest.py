"""HTTP API test fixtures: a fresh migrated database, seeded people, the app in its lifespan,
and clients whose every response is validated against the OpenAPI document.

`ROUTES_SEEN` collects which documented (path, method) pairs the tests exercised;
test_api_openapi.py fails if any documented route was never called.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from openapi_schema_validator import OAS31Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.applications import Starlette

from hub.app import create_app, openapi_document
from hub.auth.passwords import hash_password
from hub.config import Settings
from hub.db import create_engine
from hub.migrate import upgrade
from hub.models import Department, Org, Person

PASSWORD = "correct horse battery"
ORIGIN = "http://127.0.0.1:8000"
DOC_URI = "urn:hub:openapi"
UNDOCUMENTED = {"/metrics", "/openapi.json"}

ROUTES_SEEN: set[tuple[str, str]] = set()
COVERAGE_TEST = "test_every_documented_route_is_exercised"


def pytest_configure(config: pytest.Config) -> None:
    # sqlmodel nags about Session.execute, which the hub uses on purpose for Core statements.
    config.addinivalue_line("filterwarnings", "ignore:(?s).*session.exec:DeprecationWarning")


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    # The coverage check must run after every other API test.
    last = [item for item in items if item.name == COVERAGE_TEST]
    for item in last:
        items.remove(item)
        items.append(item)
    here = Path(__file__).parent
    api_files = {path.name for path in here.glob("test_*.py")}
    collected = {
        Path(str(item.fspath)).name for item in items if Path(str(item.fspath)).parent == here
    }
    config.stash[_FULL_RUN] = (
        collected == api_files and not config.option.keyword and not config.option.markexpr
    )


_FULL_RUN = pytest.StashKey[bool]()


@pytest.fixture
def full_api_run(request: pytest.FixtureRequest) -> bool:
    return request.config.stash.get(_FULL_RUN, False)


# The OpenAPI document and response validation


class OpenApiRecorder:
    """Validates each response against the document and records which route it exercised."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.registry: Registry[Any] = Registry().with_resource(
            DOC_URI, Resource.from_contents(document, default_specification=DRAFT202012)
        )
        self.templates: list[tuple[re.Pattern[str], str]] = []
        for path, item in document["paths"].items():
            types = {
                p["name"]: p["schema"].get("type")
                for operation in item.values()
                for p in operation.get("parameters", [])
                if p["in"] == "path"
            }

            def part(match: re.Match[str], types: dict[str, Any] = types) -> str:
                return r"-?\d+" if types.get(match.group(1)) == "integer" else r"[^/]+"

            pattern = re.sub(r"\\{(\w+)\\}", part, re.escape(path))
            self.templates.append((re.compile(f"^{pattern}$"), path))
        # Literal segments win over parameters (/channels/browse before /channels/{id}).
        self.templates.sort(key=lambda entry: entry[1].count("{"))

    def template_for(self, path: str) -> str | None:
        for pattern, template in self.templates:
            if pattern.match(path):
                return template
        return None

    async def __call__(self, response: httpx.Response) -> None:
        await response.aread()
        path = response.request.url.path
        method = response.request.method.lower()
        if path in UNDOCUMENTED:
            return
        template = self.template_for(path)
        assert template is not None, (
            f"{method.upper()} {path} answered {response.status_code} but is not in the OpenAPI document"
        )
        operation = self.document["paths"][template].get(method)
        assert operation is not None, f"{method.upper()} {template} is not documented"
        status = str(response.status_code)
        assert status in operation["responses"], (
            f"{method.upper()} {template} answered {status}, which is not documented: {response.text[:300]}"
        )
        ROUTES_SEEN.add((template, method))
        content = operation["responses"][status].get("content")
        if content is None:
            assert not response.content, f"{method.upper()} {template} {status} should have no body"
            return
        if "*/*" in content:
            return  # bytes (a file download): any type, nothing to validate against
        assert response.headers["content-type"].startswith("application/json")
        pointer = "/".join(
            part.replace("~", "~0").replace("/", "~1")
            for part in [
                "paths",
                template,
                method,
                "responses",
                status,
                "content",
                "application/json",
                "schema",
            ]
        )
        validator = OAS31Validator({"$ref": f"{DOC_URI}#/{pointer}"}, registry=self.registry)
        errors = sorted(validator.iter_errors(orjson.loads(response.content)), key=str)
        assert not errors, (
            f"{method.upper()} {template} {status} does not match the document: {errors[0]}"
        )


_RECORDERS: dict[int, OpenApiRecorder] = {}


def _recorder_for(document: dict[str, Any]) -> OpenApiRecorder:
    if id(document) not in _RECORDERS:
        _RECORDERS[id(document)] = OpenApiRecorder(document)
    return _RECORDERS[id(document)]


@pytest.fixture(scope="session")
def recorder() -> OpenApiRecorder:
    """The recorder for the default bots' document (a test's own app may have others)."""
    return _recorder_for(openapi_document())


# Seed data


@dataclass
class World:
    url: str
    home_org: int
    partner_org: int
    engineering: int
    platform: int
    alice: int  # admin, heads engineering
    bob: int  # member in platform, reports to alice
    carol: int  # member
    gina: int  # guest from the partner org
    dave: int  # deactivated member


async def _seed(url: str) -> World:
    await upgrade(url)
    engine = create_engine(url)
    try:
        async with AsyncSession(engine, expire_on_commit=False) as session:
            home = Org(name="Acme", kind="home")
            partner = Org(name="Supplier Ltd", kind="partner")
            session.add_all([home, partner])
            await session.flush()
            engineering = Department(org_id=home.id or 0, name="研发部", name_en="Engineering")
            session.add(engineering)
            await session.flush()
            platform = Department(
                org_id=home.id or 0, name="平台组", name_en="Platform", parent_id=engineering.id
            )
            session.add(platform)
            await session.flush()
            hashed = hash_password(PASSWORD)

            def person(username: str, **fields: Any) -> Person:
                fields.setdefault("org_id", home.id)
                return Person(
                    username=username, display_name=username.title(), password_hash=hashed, **fields
                )

            alice = person(
                "alice",
                roles=["admin"],
                department_id=engineering.id,
                title="CTO",
                email="alice@acme.example",
                name_en="Alice Wang",
            )
            session.add(alice)
            await session.flush()
            bob = person(
                "bob",
                department_id=platform.id,
                manager_id=alice.id,
                title="Engineer",
                email="bob@acme.example",
            )
            carol = person("carol", department_id=platform.id, title="Designer")
            gina = person("gina", org_id=partner.id, kind="guest", email="gina@supplier.example")
            dave = person("dave", active=False, department_id=platform.id)
            session.add_all([bob, carol, gina, dave])
            await session.flush()
            engineering.head_id = alice.id
            session.add(engineering)
            await session.commit()
            return World(
                url=url,
                home_org=home.id or 0,
                partner_org=partner.id or 0,
                engineering=engineering.id or 0,
                platform=platform.id or 0,
                alice=alice.id or 0,
                bob=bob.id or 0,
                carol=carol.id or 0,
                gina=gina.id or 0,
                dave=dave.id or 0,
            )
    finally:
        await engine.dispose()


@pytest.fixture
async def world(tmp_path: Path) -> World:
    return await _seed(f"sqlite+aiosqlite:///{tmp_path / 'hub.db'}")


def settings_for(world: World, tmp_path: Path, **overrides: Any) -> Settings:
    """The in-process app's settings; a test module overrides `settings` with what it needs."""
    return Settings(
        database_url=world.url, secret_key="test", data_dir=tmp_path, redis_url=None, **overrides
    )


@pytest.fixture
def settings(world: World, tmp_path: Path) -> Settings:
    return settings_for(world, tmp_path)


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[Starlette]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        yield app


ClientFactory = Callable[..., httpx.AsyncClient]


@pytest.fixture
async def make_client(app: Starlette, settings: Settings) -> AsyncIterator[ClientFactory]:
    clients: list[httpx.AsyncClient] = []
    # The document of this app's bots: their app routes are in it (docs/apps.md).
    recorder = _recorder_for(openapi_document(settings))

    def make(
        headers: dict[str, str] | None = None, base_url: str = "http://testserver"
    ) -> httpx.AsyncClient:
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url=base_url,
            headers=headers,
            event_hooks={"response": [recorder]},
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()


@pytest.fixture
def anon(make_client: ClientFactory) -> httpx.AsyncClient:
    return make_client()


SignIn = Callable[[str], Awaitable[httpx.AsyncClient]]


@pytest.fixture
def sign_in_as(make_client: ClientFactory) -> SignIn:
    """A client signed in with a bearer token."""

    async def sign_in(username: str) -> httpx.AsyncClient:
        client = make_client()
        response = await client.post(
            "/api/v1/auth/sign-in",
            json={"username": username, "password": PASSWORD, "client": "api"},
        )
        assert response.status_code == 200, response.text
        client.headers["Authorization"] = f"Bearer {response.json()['token']}"
        return client

    return sign_in


@pytest.fixture
async def alice(sign_in_as: SignIn) -> httpx.AsyncClient:
    return await sign_in_as("alice")


@pytest.fixture
async def bob(sign_in_as: SignIn) -> httpx.AsyncClient:
    return await sign_in_as("bob")


@pytest.fixture
async def carol(sign_in_as: SignIn) -> httpx.AsyncClient:
    return await sign_in_as("carol")


@pytest.fixture
async def gina(sign_in_as: SignIn) -> httpx.AsyncClient:
    return await sign_in_as("gina")


CreateChannel = Callable[..., Awaitable[dict[str, Any]]]


@pytest.fixture
def create_channel() -> CreateChannel:
    """Create a channel through the API and return its JSON."""

    async def create(
        client: httpx.AsyncClient, name: str, kind: str = "public", **fields: Any
    ) -> dict[str, Any]:
        response = await client.post(
            "/api/v1/channels", json={"name": name, "kind": kind, **fields}
        )
        assert response.status_code == 201, response.text
        channel: dict[str, Any] = response.json()["channel"]
        return channel

    return create
