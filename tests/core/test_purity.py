"""bot/core is the pure engine every adapter shares: it must never import discord (or a web server)."""

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "bot" / "core"


def imported_modules(path: Path) -> set[str]:
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


def test_core_never_imports_discord():
    files = sorted(CORE.rglob("*.py"))
    assert len(files) >= 5
    offenders = {
        str(f.relative_to(CORE)): sorted(m) for f in files if (m := imported_modules(f) & {"discord", "aiohttp"})
    }
    assert offenders == {}


def test_the_checker_itself_catches_an_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from discord import Embed\n    return Embed\n")
    assert "discord" in imported_modules(sample)


def test_aiohttp_only_in_the_web_server():
    """The web adapter's server is the one module that needs aiohttp: the renderer and the static export
    work without it, and the CLI imports the server only for `serve`."""
    bot = CORE.parent
    importers = {str(f.relative_to(bot)) for f in bot.rglob("*.py") if "aiohttp" in imported_modules(f)}
    assert importers == {"web/app.py"}
