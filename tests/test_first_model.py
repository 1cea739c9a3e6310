"""A team's first model, exactly as the bake's docs/adding-a-model.md walks it.

The doc's code blocks are applied as a reader would (each names its file on its first line: its
import line replaces the file's import from the same module, a ``router.register`` goes with the
others, the rest at the end of the file) and its commands are run, in a fresh bake of each
strategy. No test file is touched and no migration is written by hand: the isolation suite
must find the new endpoint itself, attack it, and pass.

The doc ends with ``make test``, the whole suite, which each combination's clone already runs
(tests/test_clean_clone.py); here it stands for the suite's tests that need no server (the
isolation tests among them) and the e2e API attacks on the new endpoint.
"""

import re

import pytest

from .support import BAKES, SLUG, BakedProject, bake, run

DOC = "docs/adding-a-model.md"
BLOCK = re.compile(r"^```(?P<language>\w+)\n(?P<code>.*?)^```$", re.DOTALL | re.MULTILINE)
FILE_LINE = re.compile(r"^# (?P<path>[\w/.-]+\.py)$")
IMPORT = re.compile(r"^(?P<module>from \S+|import \S+) ")
CALL = re.compile(r"^(?P<callee>[\w.]+)\(")
REGISTERED = re.compile(r'router\.register\("(?P<name>[\w/-]+)"')
# What the doc's closing `make test` stands for here (see the module's docstring).
WHOLE_SUITE = "make test"


def doc_steps(doc):
    """[(path, code)] for a block that names its file, [(None, command)] for each shell line."""
    steps = []
    for block in BLOCK.finditer(doc):
        lines = block["code"].splitlines()
        if block["language"] == "bash":
            steps += [(None, line) for line in lines if line.strip() and not line.startswith("#")]
        elif lines and (named := FILE_LINE.match(lines[0])):
            steps.append((named["path"], "\n".join(lines[1:])))
    return steps


def apply_block(path, code):
    """Put ``code`` into the file at ``path`` as the doc says a reader does."""
    lines = path.read_text().splitlines()
    code_lines = code.splitlines()
    imports = []
    while code_lines and IMPORT.match(code_lines[0]):
        imports.append(code_lines.pop(0))
    while code_lines and not code_lines[0].strip():
        code_lines.pop(0)
    for line in imports:
        module = IMPORT.match(line)["module"]
        same = [index for index, existing in enumerate(lines) if existing.startswith(module + " ")]
        if same:
            lines[same[0]] = line
        else:
            last_import = max(index for index, existing in enumerate(lines) if IMPORT.match(existing))
            lines.insert(last_import + 1, line)
    call = CALL.match(code_lines[0]) if code_lines else None
    alike = [index for index, existing in enumerate(lines) if call and existing.startswith(call["callee"] + "(")]
    if alike:
        lines[alike[-1] + 1 : alike[-1] + 1] = code_lines
    elif code_lines:
        lines += ["", "", *code_lines]
    path.write_text("\n".join(lines) + "\n")


@pytest.mark.parametrize(("strategy", "routing"), BAKES, ids=[strategy for strategy, _routing in BAKES])
def test_the_first_model_as_the_doc_walks_it(bakery_root, chromium, strategy, routing):
    path = bake(bakery_root / f"first-model-{strategy}", tenancy_strategy=strategy, tenant_routing=routing)
    project = BakedProject(path, strategy, routing)
    env = {"PLAYWRIGHT_CHROMIUM_EXECUTABLE": chromium}
    doc = (path / DOC).read_text()
    assert "<package>" not in doc and f"{SLUG}/projects/models.py" in doc, "the doc names the project's package"
    steps = doc_steps(doc)
    files = [file for file, _code in steps if file]
    assert len(files) >= 5, f"the doc's code blocks name their files on their first line: {files}"
    assert (None, WHOLE_SUITE) in steps, f"the doc ends with `{WHOLE_SUITE}`"
    assert not [file for file in files if file.startswith("tests/") or "/migrations/" in file], (
        "a first model needs no test edit and no hand-written migration"
    )
    endpoint = REGISTERED.search(doc)["name"]
    try:
        project.make("install")
        for file, step in steps:
            if file:
                apply_block(path / file, step)
            elif step != WHOLE_SUITE:
                run(step, cwd=path, env=env)
        project.manage("check_tenancy")

        python = str(project.python)
        isolation = ["tests/test_isolation.py", "tests/e2e/test_api_attacks.py"]
        collected = run([python, "-m", "pytest", "--collect-only", "-q", *isolation], cwd=path, env=env).stdout
        for test in (
            f"tests/test_isolation.py::test_retrieve_of_another_tenants_object_is_404[{endpoint}]",
            f"tests/test_isolation.py::test_admin_is_open_to_the_owner_and_shows_only_own_rows[{endpoint}]",
            f"tests/e2e/test_api_attacks.py::test_own_objects_have_full_crud[{endpoint}]",
        ):
            assert test in collected.splitlines(), f"{test} is not collected:\n{collected}"
        assert re.search(rf"test_foreign_key_to_another_tenants_object_is_400\[{endpoint}-", collected), collected

        run([python, "-m", "pytest", "-q", "-m", "not e2e", "-p", "no:cacheprovider"], cwd=path, env=env)
        run([python, "-m", "pytest", "-q", "tests/e2e/test_api_attacks.py", "-k", endpoint], cwd=path, env=env)
    finally:
        project.stop_database()
