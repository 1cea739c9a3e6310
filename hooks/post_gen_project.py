"""Shape the baked project to its answers: keep the chosen strategy, routing and front end,
install its uv.lock, stamp the committed OpenAPI schema with the project's names, record the
template in .cruft.json, write the local .env.

The template keeps the Python that differs by strategy under ``_strategy/<strategy>/`` and each
routing's committed contract and front-end tenant module under ``_routing/<routing>/``,
mirroring the project tree (the template's README.md: one rule per variation mechanism). This hook
copies the chosen ones into place and deletes the rest, so the baked project holds one
implementation and no trace of the other. An overlay only adds files: one that would
overwrite a shared file (or another overlay's) stops the bake.
"""

import json
import os
import re
import secrets
import shutil
import subprocess
from pathlib import Path

import yaml  # PyYAML: a dependency of cookiecutter itself, so every bake has it
from cookiecutter.config import BUILTIN_ABBREVIATIONS, get_user_config
from cookiecutter.repository import expand_abbreviations, is_repo_url, is_zip_file

STRATEGY = "{{ cookiecutter.tenancy_strategy }}"
ROUTING = "{{ cookiecutter.tenant_routing }}"
FRONTEND = "{{ cookiecutter.frontend }}"
PROJECT = Path.cwd()
# The answers, and their order as cookiecutter.json asks them (tojson sorts a dict's keys).
CONTEXT = json.loads("""{{ cookiecutter | tojson }}""")
ORDER = json.loads("""{{ cookiecutter.keys() | list | tojson }}""")
# The answers that change the dependencies name the lock (scripts/lock.py makes one per variant).
LOCK_AXES = json.loads("""{{ cookiecutter._lock_axes | tojson }}""")
LOCK_PLACEHOLDER_SLUG = "lock_placeholder_project"
LOCK_PLACEHOLDER_NAME = "lock-placeholder-project"
# Keys cookiecutter adds about this machine and this run: never recorded (bakes stay identical).
MACHINE_KEYS = {"_output_dir", "_repo_dir", "_checkout"}
# Never merged by `cruft update`: cruft itself rewrites .cruft.json, and the rest is local state
# (.env holds this machine's secret key; each bake writes its own).
CRUFT_SKIP = [".cruft.json", ".env", ".venv", ".pgdata", "media", "staticfiles", "test-results"]
# What the committed schema says that depends on the answers (the rest depends on the code).
SCHEMA_INFO = {
    # Written as config/settings/base.py writes them, so both read the same.
    "title": "{{ cookiecutter.project_name }} API",
    "description": "{{ cookiecutter.description }}",
}
BASE_DOMAIN = "{{ cookiecutter.domain_name }}"
# The overlays, installed in this order; each holds one folder per answer.
OVERLAYS = ("_strategy", "_routing")
# The project folder inside the template, as the template names it.
TEMPLATE_PROJECT_DIR = "{% raw %}{{cookiecutter.project_slug}}{% endraw %}"


def overlay_collisions(root):
    """Paths (relative to ``root``, a project tree before any overlay is installed) that an
    overlay file would overwrite: a shared file's, or a file of another overlay folder."""
    shared = {
        path.relative_to(root)
        for path in root.rglob("*")
        if path.is_file() and path.relative_to(root).parts[0] not in OVERLAYS
    }
    collisions = []
    claimed = {}  # relative path: the overlay folder that installs it
    for folder in OVERLAYS:
        for choice in sorted(path for path in (root / folder).iterdir() if path.is_dir()):
            for path in sorted(choice.rglob("*")):
                if not path.is_file():
                    continue
                target = path.relative_to(choice)
                if target in shared:
                    collisions.append(f"{path.relative_to(root)} would overwrite the shared {target}")
                elif claimed.setdefault(target, folder) != folder:
                    collisions.append(f"{path.relative_to(root)} would overwrite {claimed[target]}'s {target}")
    return collisions


def template_project_tree():
    """The template's own project folder when cookiecutter says where the template is (a plain
    bake, or one over an existing project, whose leftover files are no evidence); else this
    freshly rendered folder (cruft renders into an empty one)."""
    repo_dir = invocation_path(CONTEXT.get("_repo_dir") or "")
    if (repo_dir / "cookiecutter.json").is_file() and (repo_dir / TEMPLATE_PROJECT_DIR).is_dir():
        return repo_dir / TEMPLATE_PROJECT_DIR
    return PROJECT


def refuse_overwriting_overlays():
    """One mechanism: a file lives either in the shared tree or in an overlay, never both."""
    collisions = overlay_collisions(template_project_tree())
    if collisions:
        raise SystemExit(
            "The template's overlays must only add files, never replace shared ones:\n  "
            + "\n  ".join(collisions)
            + "\nKeep such a file in the overlays only (one copy per answer), or in the shared tree only."
        )


def install_overlay(folder, choice):
    source = PROJECT / folder / choice
    for path in sorted(source.rglob("*")):
        if path.is_file():
            target = PROJECT / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
    shutil.rmtree(PROJECT / folder)


# The docs: one source for the template's site and every bake (the template's docs/decisions/docs-per-bake.md).
# A content tab or a page's ship_to names an answer; this bake keeps what names its own answers.
DOC_TAB = re.compile(r'^(?P<indent> *)=== "(?P<label>schema|rls|react|none)"\s*$')
ANSWERS = {STRATEGY, FRONTEND}
# Words the template's site shows as placeholders, and each bake as its own names.
DOC_TOKENS = {"<package>": "{{ cookiecutter.project_slug }}", "<project>": "{{ cookiecutter.project_name }}"}
DOC_LINK = re.compile(r"\[(?P<text>[^\]]*)\]\((?P<target>[\w./-]+\.md)(?P<anchor>#[\w-]*)?\)")


def front_matter(text):
    """(the page's YAML front matter, the page without it)."""
    if not text.startswith("---\n"):
        return {}, text
    head, _, body = text[4:].partition("\n---\n")
    return yaml.safe_load(head) or {}, body.lstrip("\n")


def own_tabs(text):
    """The page as this bake reads it: a content tab of the template's site (``=== "schema"``,
    ``=== "rls"``, ``=== "react"``, ``=== "none"``) becomes plain text when it names this bake's
    answer, and goes when it names another."""
    lines = text.splitlines()
    kept = []
    index = 0
    while index < len(lines):
        tab = DOC_TAB.match(lines[index])
        if not tab:
            kept.append(lines[index])
            index += 1
            continue
        inner = tab["indent"] + "    "
        body = []
        index += 1
        while index < len(lines) and (not lines[index].strip() or lines[index].startswith(inner)):
            body.append(lines[index])
            index += 1
        while body and not body[-1].strip():
            body.pop()
            index -= 1
        if tab["label"] in ANSWERS:
            while body and not body[0].strip():
                body.pop(0)  # the blank line before the tab separates already
            kept.extend(line[4:] if line.strip() else "" for line in body)
        else:
            while index < len(lines) and not lines[index].strip() and (not kept or not kept[-1].strip()):
                index += 1  # no double blank line where the other strategy's tab was
    return "\n".join(kept) + "\n"


def own_names(text):
    """The page with this project's names where the template's site shows placeholders."""
    for token, name in DOC_TOKENS.items():
        text = text.replace(token, name)
    return text


def ship_docs():
    """docs/ as this bake reads it: the shared pages and its own; a page whose front matter says
    ``ship_to: <answer>`` (rls, schema, react) goes only to bakes with that answer (``ship_to: template``:
    to none, the template's site only), under ``ship_as`` if given. ``<package>`` becomes the
    project's package name."""
    docs = PROJECT / "docs"
    renamed = {}
    pages = {}
    for path in sorted(docs.rglob("*.md")):
        meta, body = front_matter(path.read_text())
        name = path.relative_to(docs).as_posix()
        path.unlink()
        if meta.get("ship_to", STRATEGY) in ANSWERS:
            renamed[name] = meta.get("ship_as", name)
            pages[renamed[name]] = own_names(own_tabs(body))
        else:
            renamed[name] = None
    for folder in sorted(docs.rglob("*"), reverse=True):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()

    def relink(page, match):
        here = Path(page).parent
        target = os.path.normpath(here / match["target"]).replace(os.sep, "/")
        if not renamed.get(target) or renamed[target] == target:
            return match[0]
        new = os.path.relpath(renamed[target], here).replace(os.sep, "/")
        text = new if match["text"] == match["target"] else match["text"]
        return f"[{text}]({new}{match['anchor'] or ''})"

    for page, text in pages.items():
        (docs / page).parent.mkdir(parents=True, exist_ok=True)
        (docs / page).write_text(DOC_LINK.sub(lambda match, page=page: relink(page, match), text))
    # The site's nav: the pages this bake has, under their names here.
    config = PROJECT / "mkdocs.yml"
    lines = []
    for line in config.read_text().splitlines(keepends=True):
        named = re.search(r"[\w./-]+\.md", line)
        if named and named[0] in renamed:
            if renamed[named[0]] is None:
                continue
            line = line.replace(named[0], renamed[named[0]])
        lines.append(line)
    config.write_text("".join(lines))


# The browser tests of the front end, and the person in the browser they share.
FRONTEND_E2E = ("app.py", "test_frontend.py", "test_frontend_accounts.py", "test_frontend_story.py")


def remove_frontend():
    """frontend=none: no front end, and nothing that would build, serve or test one."""
    shutil.rmtree(PROJECT / "frontend")
    (PROJECT / "{{ cookiecutter.project_slug }}" / "spa.py").unlink()
    for name in FRONTEND_E2E:
        (PROJECT / "tests" / "e2e" / name).unlink()


class SchemaDumper(yaml.SafeDumper):
    """Writes YAML as ``manage.py spectacular`` does, so the stamped file is byte-identical to its output."""

    def ignore_aliases(self, data):
        return True


def _represent_str(dumper, data):
    node = dumper.represent_str(data)
    node.style = "|" if "\n" in data else None
    return node


SchemaDumper.add_representer(str, _represent_str)


def stamp_schema():
    """openapi.yaml as this project's ``manage.py spectacular`` writes it: its title, description, domain.

    The template commits the schema of each routing as baked with the default answers
    (``make contract`` in the template refreshes them); only these values differ per bake.
    """
    path = PROJECT / "openapi.yaml"
    schema = yaml.safe_load(path.read_text())
    schema["info"].update(SCHEMA_INFO)
    for server in schema.get("servers", []):
        if "base_domain" in server.get("variables", {}):  # not the relative "/" (this host)
            server["variables"]["base_domain"]["default"] = BASE_DOMAIN
    path.write_text(
        yaml.dump(schema, default_flow_style=False, sort_keys=False, allow_unicode=True, Dumper=SchemaDumper)
    )


def install_lock():
    """uv.lock for this bake's dependency variant, with the project's own name (PEP 503 form)."""
    locks = PROJECT / "_locks"
    variant = "-".join(CONTEXT[axis] for axis in LOCK_AXES)
    source = locks / f"{variant}.lock"
    if not source.is_file():
        if CONTEXT["project_slug"] == LOCK_PLACEHOLDER_SLUG:  # scripts/lock.py is making it
            shutil.rmtree(locks, ignore_errors=True)
            return
        raise SystemExit(f"The template has no lock for {variant}: run `make lock` in the template repository.")
    lock = source.read_text()
    name = CONTEXT["project_slug"].replace("_", "-")
    (PROJECT / "uv.lock").write_text(lock.replace(f'"{LOCK_PLACEHOLDER_NAME}"', f'"{name}"'))
    shutil.rmtree(locks)


def invocation_path(path):
    """``path`` as given to cookiecutter, made absolute (hooks run in the new project's folder).

    cookiecutter keeps a local template's path as typed (``.``, ``../template``): relative to the
    folder it was run from, which the shell passes on in PWD.
    """
    path = Path(path).expanduser()
    if path.is_absolute():
        return path
    return Path(os.environ.get("PWD", os.getcwd())) / path


def template_address():
    """Where cruft finds the template again: a URL as given (abbreviations such as gh: expanded,
    which cruft cannot read), or a local template's absolute path."""
    given = CONTEXT["_template"]
    if CONTEXT.get("_commit"):  # cruft is rendering: it passes its recorded address
        return given
    expanded = expand_abbreviations(given, {**BUILTIN_ABBREVIATIONS, **get_user_config()["abbreviations"]})
    if is_repo_url(expanded) or is_zip_file(expanded):
        return expanded
    local = invocation_path(given)
    return str(local.resolve()) if (local / "cookiecutter.json").is_file() else given


def template_commit():
    """The template's git commit, when the template is a git checkout (else None).

    cruft passes ``_commit`` when it renders; a plain cookiecutter bake has only ``_repo_dir``.
    """
    if CONTEXT.get("_commit"):
        return CONTEXT["_commit"]
    repo_dir = invocation_path(CONTEXT.get("_repo_dir") or "")
    if not (repo_dir / "cookiecutter.json").is_file():
        return None
    found = subprocess.run(
        ["git", "-C", str(repo_dir), "rev-parse", "--show-toplevel", "HEAD"], capture_output=True, text=True
    )
    lines = found.stdout.split()
    # Only the template's own repository: not a folder that happens to sit inside another one.
    if found.returncode != 0 or len(lines) != 2 or Path(lines[0]).resolve() != repo_dir.resolve():
        return None
    return lines[1]


def write_cruft_state():
    """.cruft.json, as `cruft create` writes it, so check, diff and update work with no `cruft link`."""
    commit = template_commit()
    context = {key: CONTEXT[key] for key in ORDER if key not in MACHINE_KEYS and key != "_commit"}
    context["_template"] = address = template_address()
    context["_commit"] = commit
    state = {
        "template": address,
        "commit": commit,
        "checkout": CONTEXT.get("_checkout"),
        "context": {"cookiecutter": context},
        "directory": None,
        "skip": CRUFT_SKIP,
    }
    # cruft's own format (cruft/_commands/utils/cruft.py json_dumps), so an update rewrites only values.
    text = json.dumps(state, ensure_ascii=False, indent=2, separators=(",", ": ")) + "\n"
    (PROJECT / ".cruft.json").write_text(text)


def write_local_env():
    """Random values live only in the untracked .env, so two bakes give identical tracked files.

    Regenerating over an existing project (an upgrade) keeps its .env and secret key.
    """
    env_file = PROJECT / ".env"
    if env_file.exists():
        return
    env_file.write_text(
        "# Local settings, never committed. Production takes these from its environment.\n"
        f"SECRET_KEY={secrets.token_urlsafe(50)}\n"
    )
    env_file.chmod(0o600)


def main():
    refuse_overwriting_overlays()
    install_overlay("_strategy", STRATEGY)
    install_overlay("_routing", ROUTING)
    ship_docs()
    if FRONTEND == "none":
        remove_frontend()
    stamp_schema()
    install_lock()
    write_cruft_state()
    write_local_env()
    if CONTEXT.get("_commit"):
        return  # cruft is rendering the template to compare versions: nothing to tell
    print(
        "\nBaked {{ cookiecutter.project_slug }} ({{ cookiecutter.tenancy_strategy }} strategy, "
        "{{ cookiecutter.tenant_routing }} routing).\n"
        "  cd {{ cookiecutter.project_slug }}\n"
        "  make run    # installs, starts PostgreSQL, creates demo tenants, serves :8000\n"
        "  make test   # the whole suite, against real PostgreSQL\n"
    )


if __name__ == "__main__":
    main()
