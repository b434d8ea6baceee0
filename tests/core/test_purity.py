"""bot/core is the pure engine every adapter shares, and bot/runtime the product's records below the adapters:
neither may import discord (or a web server), nor an adapter of ours."""

import ast
from pathlib import Path

BOT = Path(__file__).resolve().parents[2] / "bot"
CORE = BOT / "core"
PURE = (CORE, BOT / "runtime")
ADAPTERS = {"bot.discord", "bot.web", "bot.cli", "bot.live"}  # what may import the pure packages, never the reverse


def imported_modules(path: Path) -> set[str]:
    """The top-level names a file imports (absolute imports)."""
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module.split(".")[0])
        elif isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in {
            "__import__",
            "import_module",
        }:
            modules.update(
                arg.value.split(".")[0]
                for arg in node.args
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
            )
    return modules


def our_imports(path: Path) -> set[str]:
    """The modules of this project a file imports, relative imports resolved (`from ..discord import x` in
    bot/runtime/rows.py is bot.discord)."""
    package = ".".join(path.relative_to(BOT.parent).with_suffix("").parts[:-1])
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package.split(".")[: len(package.split(".")) - node.level + 1]
            modules.add(".".join([*base, *([node.module] if node.module else [])]))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("bot"):
            modules.add(node.module)
        elif isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names if alias.name.startswith("bot"))
    return modules


def test_core_and_runtime_never_import_discord_nor_an_adapter():
    files = sorted(f for package in PURE for f in package.rglob("*.py"))
    assert len(files) >= 10
    offenders = {
        str(f.relative_to(BOT)): sorted(m)
        for f in files
        if (
            m := (imported_modules(f) & {"discord", "aiohttp"})
            | {name for name in our_imports(f) if any(name == a or name.startswith(f"{a}.") for a in ADAPTERS)}
        )
    }
    assert offenders == {}


def test_the_checker_resolves_relative_imports():
    assert our_imports(BOT / "runtime" / "rows.py") >= {"bot.core.models", "bot.core.store"}
    assert "bot.runtime.database" in our_imports(BOT / "runtime" / "history.py")


def test_the_checker_itself_catches_an_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from discord import Embed\n    return Embed\n")
    assert "discord" in imported_modules(sample)


def test_aiohttp_only_where_it_is_needed():
    """aiohttp's server: the web adapter's app and server (the renderer and the static export work without it,
    and the CLI imports the server only for `serve`). Its client: ops/links.py, which fetches the cited pages
    (`sources check`, /kb links; the report it fills, ops/link_report.py, needs no aiohttp), and the Discord
    adapter's delivery, which gives discord.py's session the trace that holds a reply to its attempts."""
    bot = CORE.parent
    importers = {str(f.relative_to(bot)) for f in bot.rglob("*.py") if "aiohttp" in imported_modules(f)}
    assert importers == {"web/app.py", "web/server.py", "ops/links.py", "discord/delivery.py"}
