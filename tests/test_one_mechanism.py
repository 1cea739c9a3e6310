"""One rule per variation mechanism: the table in the template's README.md ("One rule per
variation mechanism"), checked here row by row, each test named after its row.
"""

import ast
import re
import shutil

import pytest
from cookiecutter.exceptions import FailedHookException
from cookiecutter.main import cookiecutter

from .support import PROJECT_NAME, SLUG, TEMPLATE

PROJECT_TEMPLATE = TEMPLATE / "{{cookiecutter.project_slug}}"
OVERLAYS = ("_strategy", "_routing")
NOT_SHARED = (*OVERLAYS, "_locks")
# The shared Python modules that may hold Jinja on the strategy: configuration, constants only.
CONFIGURATION_MODULES = {
    "config/settings/base.py",
    "config/settings/tenancy.py",
    "config/roles.py",
    "tests/roles.py",
    "bench/settings.py",
}

# A Jinja block or inline condition on an answer: {% if cookiecutter.<answer> ... %},
# {% elif ... %}, {{ "a" if cookiecutter.<answer> == "rls" else "b" }}.
JINJA_BRANCH = r"{{%-?\s*(?:if|elif)\b[^%]*cookiecutter\.{answer}|{{{{[^}}]*\bif\b[^}}]*cookiecutter\.{answer}"
JINJA_STRATEGY_BRANCH = re.compile(JINJA_BRANCH.format(answer="tenancy_strategy"))
JINJA_ROUTING_BRANCH = re.compile(JINJA_BRANCH.format(answer="tenant_routing"))
# A definition: what makes a module code rather than configuration.
DEFINITION = re.compile(r"^\s*(?:async\s+def|def|class)\s", re.MULTILINE)


def shared_files(pattern="*"):
    return sorted(
        path
        for path in PROJECT_TEMPLATE.rglob(pattern)
        if path.is_file()
        and path.relative_to(PROJECT_TEMPLATE).parts[0] not in NOT_SHARED
        and "node_modules" not in path.parts
    )


def shared_python_files():
    files = shared_files("*.py")
    assert len(files) > 50, "the shared tree was not found"
    return files


def lines_matching(pattern, text):
    """(line number, line) of every line of ``text`` that ``pattern`` finds."""
    return [(number, line.strip()) for number, line in enumerate(text.splitlines(), start=1) if pattern.search(line)]


def report(found):
    return "\n".join(f"  {name}:{number}: {line}" for name, hits in found.items() for number, line in hits)


@pytest.mark.parametrize(
    "text",
    [
        '{%- if cookiecutter.tenancy_strategy == "schema" %}',
        '{% elif cookiecutter.tenancy_strategy == "rls" %}',
        '    "{{ "a" if cookiecutter.tenancy_strategy == "rls" else "b" }}"',
    ],
)
def test_the_branch_detector_finds_each_form_of_branch(text):
    assert JINJA_STRATEGY_BRANCH.search(text), text
    assert JINJA_ROUTING_BRANCH.search(text.replace("tenancy_strategy", "tenant_routing")), text


@pytest.mark.parametrize(
    "text",
    [
        'NAME = "{{ cookiecutter.tenancy_strategy }}"',
        '{%- if cookiecutter.frontend == "react" %}',
        "# the front end, not the strategy: {% if cookiecutter.frontend == 'react' %}",
    ],
)
def test_the_branch_detector_lets_names_and_values_through(text):
    assert not JINJA_STRATEGY_BRANCH.search(text), text
    assert not JINJA_ROUTING_BRANCH.search(text.replace("tenancy_strategy", "tenant_routing")), text


def test_jinja_on_the_strategy_is_configuration_only():
    """Shared Python branches on the strategy only in the configuration modules, which hold no code."""
    branching = {
        str(path.relative_to(PROJECT_TEMPLATE)): hits
        for path in shared_python_files()
        if (hits := lines_matching(JINJA_STRATEGY_BRANCH, path.read_text()))
    }
    outside = {name: hits for name, hits in branching.items() if name not in CONFIGURATION_MODULES}
    assert not outside, (
        "Shared Python files branch on the tenancy strategy outside the configuration modules; move "
        "the code that differs into _strategy/<strategy>/ (a module with the same names in both "
        "strategies), or the value into a configuration module:\n" + report(outside)
    )
    assert set(branching) == CONFIGURATION_MODULES, (
        f"a configuration module no longer differs by strategy: {sorted(CONFIGURATION_MODULES - set(branching))}"
    )
    code = {name: lines_matching(DEFINITION, (PROJECT_TEMPLATE / name).read_text()) for name in CONFIGURATION_MODULES}
    code = {name: hits for name, hits in code.items() if hits}
    assert not code, "A configuration module holds constants only; put code in a module of its own:\n" + report(code)


def test_the_strategy_settings_need_nothing_from_base():
    """base.py imports config/settings/tenancy.py and combines the app lists: no import back."""
    text = (PROJECT_TEMPLATE / "config/settings/tenancy.py").read_text()
    imports = lines_matching(re.compile(r"^\s*(from|import)\s"), text)
    assert not imports, f"config/settings/tenancy.py imports (it must need nothing): {imports}"


def test_nothing_names_the_strategy_at_run_time():
    """No TENANCY_STRATEGY setting, so no Python can branch on it: what differs is in the overlay."""
    found = {
        str(path.relative_to(PROJECT_TEMPLATE)): hits
        for path in PROJECT_TEMPLATE.rglob("*.py")
        if (hits := lines_matching(re.compile(r"\bTENANCY_STRATEGY\b"), path.read_text()))
    }
    assert not found, "Python names the strategy at run time; put what differs in _strategy/:\n" + report(found)


def test_python_reads_the_routing_at_run_time():
    """Routing is a few conditions across shared modules: settings.TENANT_ROUTING, never Jinja."""
    found = {
        str(path.relative_to(PROJECT_TEMPLATE)): hits
        for path in shared_python_files()
        if (hits := lines_matching(JINJA_ROUTING_BRANCH, path.read_text()))
    }
    assert not found, "Shared Python branches on the routing in Jinja; use settings.TENANT_ROUTING:\n" + report(found)
    readers = [path for path in shared_python_files() if "settings.TENANT_ROUTING" in path.read_text()]
    assert readers, "no module reads settings.TENANT_ROUTING: the scan found nothing"


def test_the_strategy_overlay_holds_only_code():
    """Configuration, prose and other files are one Jinja file, never a copy per strategy."""
    problems = []
    for path in sorted((PROJECT_TEMPLATE / "_strategy").rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        name = str(path.relative_to(PROJECT_TEMPLATE))
        if path.suffix != ".py":
            problems.append(f"{name}: not Python (one shared file, with Jinja for what differs)")
        elif path.name != "__init__.py" and "migrations" not in path.parts:
            tree = ast.parse(re.sub(r"{{.*?}}", "x", path.read_text()))
            if not any(isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) for node in tree.body):
                problems.append(f"{name}: defines no function or class (a value belongs in a configuration module)")
    assert not problems, "The _strategy/ overlay is for code that differs:\n  " + "\n  ".join(problems)


def test_the_routing_overlay_holds_no_python():
    python = sorted(str(path.relative_to(PROJECT_TEMPLATE)) for path in (PROJECT_TEMPLATE / "_routing").rglob("*.py"))
    assert not python, f"Python that depends on the routing reads settings.TENANT_ROUTING: {python}"


def test_the_docs_use_tabs_not_jinja():
    """The docs are the template's site too: cookiecutter copies them unrendered, the hook resolves tabs."""
    jinja = re.compile(r"{%|{{\s*cookiecutter")
    found = {
        str(path.relative_to(PROJECT_TEMPLATE)): hits
        for path in (PROJECT_TEMPLATE / "docs").rglob("*.md")
        if (hits := lines_matching(jinja, path.read_text()))
    }
    assert not found, 'Write what differs as content tabs (=== "schema", === "rls"):\n' + report(found)


def overlay_files(folder):
    """{relative path inside the project: [overlay file, ...]} of every choice of ``folder``."""
    files = {}
    for choice in sorted(path for path in (PROJECT_TEMPLATE / folder).iterdir() if path.is_dir()):
        for path in sorted(choice.rglob("*")):
            if path.is_file():
                files.setdefault(path.relative_to(choice), []).append(path.relative_to(PROJECT_TEMPLATE))
    return files


@pytest.mark.parametrize("folder", OVERLAYS)
def test_no_overlay_file_overwrites_a_shared_file(folder):
    files = overlay_files(folder)
    assert files, f"{folder}/ has no files"
    overwriting = [
        f"{overlay} would overwrite {target}"
        for target, overlays in files.items()
        if (PROJECT_TEMPLATE / target).exists()
        for overlay in overlays
    ]
    assert not overwriting, "Keep each file either shared or in the overlays, never both:\n  " + "\n  ".join(
        overwriting
    )


def test_the_overlays_install_disjoint_files():
    """_routing is installed after _strategy: a path in both would silently replace the strategy's file."""
    both = set(overlay_files("_strategy")) & set(overlay_files("_routing"))
    assert not both, sorted(map(str, both))


def test_the_bake_refuses_an_overlay_that_overwrites_a_shared_file(tmp_path, capfd):
    """The hook checks it too, so a change to the template cannot bake such an overlay unnoticed."""
    template = tmp_path / "template"
    shutil.copytree(
        TEMPLATE,
        template,
        ignore=shutil.ignore_patterns(".git", ".venv", "build", "node_modules", "__pycache__", ".pytest_cache"),
    )
    shared = "config/settings/base.py"
    overlay = template / "{{cookiecutter.project_slug}}" / "_strategy" / "rls" / shared
    overlay.parent.mkdir(parents=True, exist_ok=True)
    overlay.write_text("# a second copy of a shared file\n")
    with pytest.raises(FailedHookException):
        cookiecutter(
            str(template),
            no_input=True,
            output_dir=str(tmp_path / "out"),
            extra_context={"project_name": PROJECT_NAME, "frontend": "none"},
        )
    refusal = capfd.readouterr().err
    assert f"_strategy/rls/{shared} would overwrite the shared {shared}" in refusal, refusal
    assert not (tmp_path / "out" / SLUG).exists(), "a refused bake leaves nothing half-made"
