"""Links from the API reference back to the pages (d2l's "defined in", the other way round).

Every entry of the API reference (``book/api.md``, built by autodoc) ends with the pages that
explain it: a page explains an object when its Markdown shows the object's code
(``literalinclude`` with ``:pyobject:``) or names it with a Python role (``{py:class}`...```).
An entry no page explains instead lists the pages whose code cells use it. Nothing here is kept
by hand: the pages are read when the build starts, and a ``literalinclude`` of an object that is
no longer in the package stops the build (``tests/test_explained_in.py`` checks the same at once).
Code included from the package gets the class ``package-code``: its long lines wrap
(``static/package_code.css``).

Sphinx config: ``aebook_pages`` (the folder of the notebooks, relative to the book's root) and
``aebook_api_page`` (the document that holds the API reference; it is read again when a page
changes).
"""

from __future__ import annotations

import ast
import importlib
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

#: ``{py:class}`~aebook.models.vae.VAE``` and the like, also with an explicit title.
ROLE = re.compile(r"\{(?:py:)?(?:class|func|meth|mod|obj|attr|data|exc|function|method)\}`([^`]+)`")
#: A ``literalinclude`` fence (``` or :::) with its path and options.
INCLUDE = re.compile(
    r"^(?P<fence>```+|:::+)\{literalinclude\} *(?P<path>\S+)\n(?P<options>(?::[\w-]+:.*\n)*)",
    re.M,
)
PYOBJECT = re.compile(r"^:pyobject: *(\S+)", re.M)
STATIC = Path(__file__).with_name("static")


def role_target(text: str) -> str:
    """The object a role's content names: ``~a.b`` → ``a.b``; ``title <a.b>`` → ``a.b``."""
    match = re.search(r"<([^>]+)>\s*$", text)
    target = match.group(1) if match else text
    return target.strip().lstrip("~.").removesuffix("()")


def module_of(path: Path, src: Path) -> str | None:
    """``src/aebook/models/vae.py`` → ``aebook.models.vae`` (None outside ``src``)."""
    try:
        parts = path.resolve().relative_to(src.resolve()).with_suffix("").parts
    except ValueError:
        return None
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def includes(page: Path, markdown: str) -> list[tuple[Path, str | None]]:
    """Each ``literalinclude`` of ``markdown`` (a cell of ``page``): the file and its pyobject."""
    found = []
    for match in INCLUDE.finditer(markdown):
        pyobject = PYOBJECT.search(match.group("options"))
        found.append(((page.parent / match.group("path")), pyobject and pyobject.group(1)))
    return found


def resolve(name: str) -> str | None:
    """The canonical dotted name of ``name`` (where the object is defined), or None."""
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for i, attr in enumerate(parts[cut:]):
            if not hasattr(obj, attr):
                # An attribute without its own object (a dataclass field, a constant): keep the
                # owner's canonical name with the rest of the path.
                owner = canonical(obj)
                return ".".join([owner, *parts[cut + i :]]) if owner else None
            obj = getattr(obj, attr)
        return canonical(obj) or name
    return None


def canonical(obj) -> str | None:
    """``module.qualname`` of a module, class, function or method."""
    if isinstance(obj, property):
        obj = obj.fget
    if hasattr(obj, "__file__") and hasattr(obj, "__name__"):
        return obj.__name__  # a module
    module, qualname = getattr(obj, "__module__", None), getattr(obj, "__qualname__", None)
    if isinstance(module, str) and isinstance(qualname, str) and "<" not in qualname:
        return f"{module}.{qualname}"
    return None


def used_names(code: str) -> set[str]:
    """Dotted ``aebook`` names a code cell imports or reaches through an imported module."""
    lines = [line for line in code.splitlines() if not line.lstrip().startswith(("%", "!"))]
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return set()
    alias: dict[str, str] = {}
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("aebook"):
            for a in node.names:
                alias[a.asname or a.name] = f"{node.module}.{a.name}"
                names.add(f"{node.module}.{a.name}")
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("aebook"):
                    alias[a.asname or a.name.split(".")[0]] = a.asname and a.name or "aebook"
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            chain, base = [], node
            while isinstance(base, ast.Attribute):
                chain.append(base.attr)
                base = base.value
            if isinstance(base, ast.Name) and base.id in alias:
                names.add(".".join([alias[base.id], *reversed(chain)]))
    return names


def scan(page: Path, src: Path) -> tuple[set[str], set[str], list[str]]:
    """What ``page`` (a notebook) explains and uses, by canonical name, and its broken includes.

    An include is broken when its file is missing or its ``:pyobject:`` is not in the file.
    """
    from sphinx.pycode import ModuleAnalyzer

    nb = json.loads(page.read_text(encoding="utf-8"))
    explained, used, broken = set(), set(), []
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code":
            used |= {name for name in map(resolve, used_names(source)) if name}
            continue
        if cell["cell_type"] != "markdown":
            continue
        for target in map(role_target, ROLE.findall(source)):
            explained.add(resolve(target) or target)
        for path, pyobject in includes(page, source):
            if not path.exists():
                broken.append(f"{path}: no such file")
                continue
            if not pyobject:
                continue
            if pyobject not in ModuleAnalyzer.for_file(str(path), "").find_tags():
                broken.append(f"{path}: no {pyobject}")
                continue
            module = module_of(path, src)
            if module:
                explained.add(f"{module}.{pyobject}")
                if "." in pyobject:  # a method explains its class too
                    explained.add(f"{module}.{pyobject.rsplit('.', 1)[0]}")
    return explained, used - explained, broken


def build_index(app) -> None:
    """Read every page once; map canonical names to the documents that explain and use them."""
    root = Path(app.srcdir)
    src = root / "src"
    explains, uses = defaultdict(list), defaultdict(list)
    found = []
    for page in sorted((root / app.config.aebook_pages).rglob("*.ipynb")):
        if ".ipynb_checkpoints" in page.parts or "_build" in page.parts:
            continue
        docname = page.relative_to(root).with_suffix("").as_posix()
        found.append(docname)
        explained, used, broken = scan(page, src)
        if broken:
            raise ValueError(f"{page}: literalinclude of code that does not exist: {broken}")
        for name in explained:
            explains[name].append(docname)
        for name in used:
            uses[name].append(docname)
    app.env.aebook_explains = dict(explains)
    app.env.aebook_uses = dict(uses)
    app.env.aebook_pages_found = sorted(found)


def in_toc_order(app, docnames: list[str]) -> list[str]:
    """``docnames`` in the order of the table of contents."""
    order = {doc: i for i, doc in enumerate(getattr(app.config, "external_site_map", None) or ())}
    return sorted(docnames, key=lambda doc: order.get(doc, len(order)))


def pages_of(app, what: str, name: str, obj) -> tuple[set[str], set[str]]:
    """The documents that explain and that use an API entry.

    A module collects what its members have; a method or attribute shows only its own (its class's
    entry shows the class's); an entry of ``aebook.experiments.<page>`` belongs to that page, which
    runs it.
    """
    explains = getattr(app.env, "aebook_explains", {})
    uses = getattr(app.env, "aebook_uses", {})
    if what == "module":

        def members(index):
            return {
                d
                for key, docs in index.items()
                if key == name or key.startswith(name + ".")
                for d in docs
            }

        return members(explains), members(uses)
    keys = [key for key in dict.fromkeys((canonical(obj), name)) if key]
    if what in ("method", "attribute", "property"):  # the class's entry, just above, has the rest
        return (
            {doc for key in keys for doc in explains.get(key, ())},
            {doc for key in keys for doc in uses.get(key, ())},
        )
    for key in keys:
        while key and key not in sys.modules:  # a class's own name, or its members' names
            if key in explains or key in uses:
                return set(explains.get(key, ())), set(uses.get(key, ()))
            key = key.rpartition(".")[0]
    parts = name.split(".")
    if parts[:2] == ["aebook", "experiments"] and len(parts) > 3:
        pages = Path(app.config.aebook_pages).as_posix() + "/"
        found = getattr(app.env, "aebook_pages_found", ())
        return set(), {
            doc for doc in found if doc.startswith(pages) and doc.endswith("/" + parts[2])
        }
    return set(), set()


def add_links(app, what, name, obj, options, lines) -> None:
    """Append "Explained in" (or "Used in") with links to the pages, to an entry's docstring."""
    explained, used = pages_of(app, what, name, obj)
    for label, docs in (("Explained in", explained), ("Used in", used - explained)):
        if docs:
            links = ", ".join(f":doc:`/{doc}`" for doc in in_toc_order(app, sorted(docs)))
            lines.extend(["", f"*{label}:* {links}", ""])
            return


def mark_package_code(app, doctree) -> None:
    """Give code included from the package the class ``package-code`` (wrapped lines, see
    ``static/package_code.css``)."""
    from docutils import nodes

    src = str(Path(app.srcdir) / "src") + "/"
    for block in doctree.findall(nodes.literal_block):
        if str(block.get("source", "")).startswith(src):
            block["classes"].append("package-code")


def configure(app, config) -> None:
    if str(STATIC) not in config.html_static_path:
        config.html_static_path.append(str(STATIC))


def api_outdated(app, env, added, changed, removed) -> list[str]:
    """The API page lists the pages: read it again whenever a page is added, edited or removed."""
    pages = Path(app.config.aebook_pages).as_posix() + "/"
    if any(doc.startswith(pages) for doc in {*added, *changed, *removed}):
        return [app.config.aebook_api_page]
    return []


def setup(app):
    app.add_config_value("aebook_pages", "book", "env")
    app.add_config_value("aebook_api_page", "book/api", "env")
    app.connect("env-before-read-docs", lambda app, env, docnames: build_index(app))
    app.connect("env-get-outdated", api_outdated)
    app.connect("autodoc-process-docstring", add_links)
    app.connect("doctree-read", mark_package_code)
    app.connect("config-inited", configure)
    app.add_css_file("package_code.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
