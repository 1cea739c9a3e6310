"""One mechanism for what differs by strategy: the ``_strategy/<strategy>/`` overlay.

Shared files keep Jinja to names and small values; a shared Python file never branches on the
strategy, at bake time (a Jinja block) or at run time (``settings.TENANCY_STRATEGY``). An
overlay only adds files: the bake refuses one that would overwrite a shared file.
"""

import re
import shutil

import pytest
from cookiecutter.exceptions import FailedHookException
from cookiecutter.main import cookiecutter

from .support import PROJECT_NAME, SLUG, TEMPLATE

PROJECT_TEMPLATE = TEMPLATE / "{{cookiecutter.project_slug}}"
OVERLAYS = ("_strategy", "_routing")
NOT_SHARED = (*OVERLAYS, "_locks")

# A Jinja block or inline condition on the strategy: {% if cookiecutter.tenancy_strategy ... %},
# {% elif ... %}, {{ "a" if cookiecutter.tenancy_strategy == "rls" else "b" }}.
JINJA_STRATEGY_BRANCH = re.compile(
    r"{%-?\s*(?:if|elif)\b[^%]*cookiecutter\.tenancy_strategy"
    r"|{{[^}]*\bif\b[^}]*cookiecutter\.tenancy_strategy"
)
# Python deciding on the strategy at run time: a comparison, a membership test, a match, a lookup.
PYTHON_STRATEGY_BRANCH = re.compile(
    r"TENANCY_STRATEGY\s*(?:==|!=|\bin\b|\bnot\s+in\b)"
    r"|(?:==|!=|\bin\b)\s*[\w.]*TENANCY_STRATEGY\b"
    r"|\bmatch\s+[\w.]*TENANCY_STRATEGY\b"
    r"|\[\s*[\w.]*TENANCY_STRATEGY\s*\]"
)


def shared_python_files():
    return sorted(
        path for path in PROJECT_TEMPLATE.rglob("*.py") if path.relative_to(PROJECT_TEMPLATE).parts[0] not in NOT_SHARED
    )


def strategy_branches(text):
    """(line number, line) of every branch on the strategy in ``text``."""
    return [
        (number, line.strip())
        for number, line in enumerate(text.splitlines(), start=1)
        if JINJA_STRATEGY_BRANCH.search(line) or PYTHON_STRATEGY_BRANCH.search(line)
    ]


@pytest.mark.parametrize(
    "text",
    [
        '{%- if cookiecutter.tenancy_strategy == "schema" %}',
        '{% elif cookiecutter.tenancy_strategy == "rls" %}',
        '    "{{ "a" if cookiecutter.tenancy_strategy == "rls" else "b" }}"',
        '    if settings.TENANCY_STRATEGY == "rls":',
        '    elif "rls" == settings.TENANCY_STRATEGY:',
        '    value = 1 if settings.TENANCY_STRATEGY != "schema" else 2',
        '    if settings.TENANCY_STRATEGY in ("rls",):',
        "    match settings.TENANCY_STRATEGY:",
        "    module = MODULES[settings.TENANCY_STRATEGY]",
    ],
)
def test_the_branch_detector_finds_each_form_of_branch(text):
    assert strategy_branches(text), text


@pytest.mark.parametrize(
    "text",
    [
        'TENANCY_STRATEGY = "{{ cookiecutter.tenancy_strategy }}"',
        'print(f"strategy {settings.TENANCY_STRATEGY}")',
        '{%- if cookiecutter.frontend == "react" %}',
        "# tenant_routing, not the strategy: {% if cookiecutter.tenant_routing == 'header' %}",
    ],
)
def test_the_branch_detector_lets_names_and_values_through(text):
    assert not strategy_branches(text), text


def test_no_shared_python_file_branches_on_the_strategy():
    files = shared_python_files()
    assert len(files) > 50, "the shared tree was not found"
    found = {
        str(path.relative_to(PROJECT_TEMPLATE)): branches
        for path in files
        if (branches := strategy_branches(path.read_text()))
    }
    assert not found, (
        "Shared Python files branch on the tenancy strategy; move what differs into "
        "_strategy/<strategy>/ (a module with the same names in both strategies):\n"
        + "\n".join(f"  {name}:{number}: {line}" for name, branches in found.items() for number, line in branches)
    )


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
