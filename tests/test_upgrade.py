"""Upgrades by regeneration: a plain cookiecutter bake is a cruft project, and `cruft update` alone
brings a newer template's changes into a project a team has changed, keeping every team line.

Each test works on a temporary git copy of the template (its working tree as it is now), so it
can give the template a new commit, as its maintainers would.
"""

import json
import shutil
import subprocess
import sysconfig
from pathlib import Path

import pytest

from .github_actions import Runner
from .support import PROJECT_NAME, SLUG, TEMPLATE, BakedProject, git, run
from .test_baked_project import PRODUCTION_ENV

PROJECT_TEMPLATE = "{{cookiecutter.project_slug}}"


def cruft(*args, cwd, check=True):
    command = [str(Path(sysconfig.get_path("scripts")) / "cruft"), *args]
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600)
    if check and result.returncode != 0:
        pytest.fail(f"`cruft {' '.join(args)}` exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result


def template_copy(destination):
    """The template's working tree (tracked and new files, not ignored ones) in a new git repository."""
    listed = run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=TEMPLATE).stdout
    for name in filter(None, listed.split("\0")):
        source = TEMPLATE / name
        if source.is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    git("init", "--quiet", "--initial-branch=main", cwd=destination)
    git("add", "--all", cwd=destination)
    git("commit", "--quiet", "--message", "Template v1", cwd=destination)
    return destination


def head(repository):
    return run(["git", "rev-parse", "HEAD"], cwd=repository).stdout.strip()


def edit(path, old, new):
    text = path.read_text()
    assert text.count(old) == 1, f"{path}: expected {old!r} once"
    path.write_text(text.replace(old, new))


def status(project):
    """`git status --porcelain` as {path: code}, untracked and unmerged files included."""
    lines = run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=project).stdout.splitlines()
    return {line[3:]: line[:2].strip() for line in lines}


def bake_and_commit(template, output_dir, strategy):
    """A plain `cookiecutter` bake (no cruft involved), committed as a team would."""
    result = run(
        [
            str(Path(sysconfig.get_path("scripts")) / "cookiecutter"),
            str(template),
            "--no-input",
            "--output-dir",
            str(output_dir),
            f"project_name={PROJECT_NAME}",
            f"tenancy_strategy={strategy}",
            "tenant_routing=header",
        ],
        cwd=output_dir,
    )
    assert "Baked" in result.stdout, result.stdout
    project = output_dir / SLUG
    git("init", "--quiet", "--initial-branch=main", cwd=project)
    git("add", "--all", cwd=project)
    git("commit", "--quiet", "--message", "Bake", cwd=project)
    return project


@pytest.fixture
def template(tmp_path):
    (tmp_path / "template").mkdir()
    return template_copy(tmp_path / "template")


def test_a_plain_bake_records_what_cruft_needs_and_cruft_check_passes(template, tmp_path):
    (tmp_path / "out").mkdir()
    project = bake_and_commit(template, tmp_path / "out", "schema")
    state = json.loads((project / ".cruft.json").read_text())
    assert state["template"] == str(template)
    assert state["commit"] == head(template)
    assert state["context"]["cookiecutter"]["tenancy_strategy"] == "schema"
    assert state["context"]["cookiecutter"]["_commit"] == head(template)
    assert {".env", ".venv", ".pgdata"} <= set(state["skip"])
    assert not {"_output_dir", "_repo_dir"} & set(state["context"]["cookiecutter"]), "machine-specific keys"
    assert "Project's cruft is up to date" in cruft("check", cwd=project).stdout
    diff = cruft("diff", "--exit-code", cwd=project, check=False)
    assert diff.returncode == 0, f"a fresh bake differs from its template:\n{diff.stdout}{diff.stderr}"


@pytest.mark.parametrize("strategy", ["schema", "rls"])
def test_cruft_update_brings_exactly_the_template_changes_and_keeps_the_teams(template, bakery_root, strategy, report):
    # Outside pytest's temporary folder, which another worker's pytest session may close to the
    # embedded PostgreSQL's system user while this project's server runs (see bakery_root).
    out = bakery_root / f"upgrade-{strategy}"
    out.mkdir()
    project = bake_and_commit(template, out, strategy)
    baked = BakedProject(project, strategy, "header")
    package = project / SLUG
    try:
        baked.make("install")

        # The team's own changes: an edited view, a model field with its migration, a new file.
        edit(
            package / "projects" / "views.py",
            '    queryset = Project.objects.order_by("id")\n    serializer_class = ProjectSerializer',
            "    # Team: newest first.\n"
            '    queryset = Project.objects.order_by("-id")\n'
            "    serializer_class = ProjectSerializer",
        )
        edit(
            package / "projects" / "models.py",
            "    created = models.DateTimeField(auto_now_add=True)\n",
            "    created = models.DateTimeField(auto_now_add=True)\n"
            "    archived = models.BooleanField(default=False)\n",
        )
        baked.manage("makemigrations", "projects", "--name", "project_archived", env=PRODUCTION_ENV)
        (package / "projects" / "reports.py").write_text(
            '"""The team\'s own reports."""\n\n\ndef total(rows):\n    return len(rows)\n'
        )
        git("add", "--all", cwd=project)
        git("commit", "--quiet", "--message", "Team changes", cwd=project)
        team_commit = head(project)
        migrations = sorted(path.name for path in (package / "projects" / "migrations").glob("*_project_archived.py"))
        assert len(migrations) == 1, migrations

        # The template moves on: its README, a Python file and a workflow.
        baked_readme = template / PROJECT_TEMPLATE / "README.md"
        baked_readme.write_text(baked_readme.read_text() + "\nTemplate v2: this line came with `cruft update`.\n")
        edit(
            template / PROJECT_TEMPLATE / "config" / "gunicorn.py",
            '"GUNICORN_KEEPALIVE", "5"',
            '"GUNICORN_KEEPALIVE", "10"',
        )
        edit(
            template / PROJECT_TEMPLATE / ".github" / "workflows" / "ci.yml",
            "timeout-minutes: 45",
            "timeout-minutes: 50",
        )
        git("commit", "--quiet", "--all", "--message", "Template v2", cwd=template)

        out_of_date = cruft("check", cwd=project, check=False)
        assert out_of_date.returncode == 1 and "out of date" in out_of_date.stdout, out_of_date.stdout

        cruft("update", "--skip-apply-ask", cwd=project)

        changed = status(project)
        expected = {"README.md", "config/gunicorn.py", ".github/workflows/ci.yml", ".cruft.json"}
        assert changed == dict.fromkeys(expected, "M"), f"cruft update changed {changed}, expected {sorted(expected)}"
        diff = run(
            ["git", "diff", "HEAD", "--unified=0", "--", *sorted(expected - {".cruft.json"})], cwd=project
        ).stdout
        changed_lines = sorted(
            line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")
        )
        assert changed_lines == sorted(
            [
                "+",
                "+Template v2: this line came with `cruft update`.",
                "-    timeout-minutes: 45",
                "+    timeout-minutes: 50",
                '-keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))',
                '+keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "10"))',
            ]
        ), diff
        state = json.loads((project / ".cruft.json").read_text())
        assert state["commit"] == head(template)
        # Nothing the team wrote changed.
        team_diff = run(["git", "diff", "--stat", team_commit, "--", f"{SLUG}/"], cwd=project).stdout
        assert team_diff == "", team_diff
        assert "archived = models.BooleanField" in (package / "projects" / "models.py").read_text()

        git("commit", "--quiet", "--all", "--message", "Template update", cwd=project)
        baked.make("lint")
        baked.manage("check")
        baked.manage("makemigrations", "--check", "--dry-run", env=PRODUCTION_ENV)
        assert "Project's cruft is up to date" in cruft("check", cwd=project).stdout
        report(
            f"{strategy} cruft update changed: {sorted(expected)}; kept the team's views.py, models.py, "
            f"{migrations[0]}, reports.py"
        )
    finally:
        baked.stop_database()


def test_the_same_line_changed_on_both_sides_is_a_git_conflict(template, tmp_path):
    (tmp_path / "out").mkdir()
    project = bake_and_commit(template, tmp_path / "out", "schema")
    edit(project / "README.md", f"# {PROJECT_NAME}\n", f"# {PROJECT_NAME}: the team's title\n")
    git("commit", "--quiet", "--all", "--message", "Team title", cwd=project)
    edit(
        template / PROJECT_TEMPLATE / "README.md",
        "# {{ cookiecutter.project_name }}\n",
        "# {{ cookiecutter.project_name }}: the template's title\n",
    )
    git("commit", "--quiet", "--all", "--message", "Template title", cwd=template)

    cruft("update", "--skip-apply-ask", cwd=project)

    changed = status(project)
    assert changed.get("README.md") == "UU", f"README.md should be unmerged (a conflict): {changed}"
    assert not [name for name in changed if name.endswith(".rej")], changed
    unmerged = run(["git", "diff", "--name-only", "--diff-filter=U"], cwd=project).stdout.split()
    assert unmerged == ["README.md"], unmerged
    readme = (project / "README.md").read_text()
    assert "<<<<<<< ours\n" in readme and "\n>>>>>>> theirs\n" in readme, readme[:600]
    assert f"# {PROJECT_NAME}: the team's title" in readme
    assert f"# {PROJECT_NAME}: the template's title" in readme
    # Resolved as docs/upgrading.md says: keep the wanted lines, drop the markers, git add, commit.
    resolved = readme.split("<<<<<<< ours\n", 1)[0] + f"# {PROJECT_NAME}: the team's title\n"
    resolved += readme.split("\n>>>>>>> theirs\n", 1)[1]
    (project / "README.md").write_text(resolved)
    git("add", "README.md", cwd=project)
    git("commit", "--quiet", "--all", "--message", "Template update (README conflict resolved)", cwd=project)
    assert "Project's cruft is up to date" in cruft("check", cwd=project).stdout


GH_STAND_IN = """#!/bin/sh
# gh, as the workflow calls it: records each call; `pr list` finds no open pull request.
printf '%s\\n' "$*" >> "$GH_CALLS"
case "$1 $2" in
  "pr list") ;;
  "pr create")
    while [ "$#" -gt 0 ]; do
      if [ "$1" = --body-file ]; then cp "$2" "$GH_CALLS.body"; fi
      shift
    done ;;
  *) echo "gh stand-in: unexpected call: $*" >&2; exit 1 ;;
esac
"""


@pytest.mark.parametrize("conflict", [False, True], ids=["clean", "conflict"])
def test_the_weekly_workflow_updates_on_a_branch_and_opens_a_pull_request(
    template, tmp_path, runner_python, chromium, conflict
):
    """template-update.yml's jobs, run as GitHub runs them: `cruft check` finds the new template
    commit, `cruft update` runs on the branch, the branch is pushed, and the pull request carries
    the template's CHANGELOG entry (a draft naming the file when the update conflicts)."""
    (tmp_path / "out").mkdir()
    origin = bake_and_commit(template, tmp_path / "out", "rls")
    remote = tmp_path / "remote.git"
    run(["git", "clone", "--quiet", "--bare", str(origin), str(remote)], cwd=tmp_path)
    workspace = tmp_path / "workspace"
    run(["git", "clone", "--quiet", str(remote), str(workspace)], cwd=tmp_path)
    if conflict:
        edit(workspace / "README.md", f"# {PROJECT_NAME}\n", f"# {PROJECT_NAME}: the team's title\n")
        git("commit", "--quiet", "--all", "--message", "Team title", cwd=workspace)
        git("push", "--quiet", "origin", "main", cwd=workspace)
        edit(
            template / PROJECT_TEMPLATE / "README.md",
            "# {{ cookiecutter.project_name }}\n",
            "# {{ cookiecutter.project_name }}: the template's title\n",
        )
    else:
        readme = template / PROJECT_TEMPLATE / "README.md"
        readme.write_text(readme.read_text() + "\nTemplate v2: this line came with the weekly workflow.\n")
    changelog = template / "CHANGELOG.md"
    entry = (
        "### Template v2 for the weekly workflow's test\n\n**Upgrade notes**\n- Set NEW_SETTING in each environment.\n"
    )
    edit(changelog, "## Unreleased\n\n", "## Unreleased\n\n" + entry + "\n")
    git("commit", "--quiet", "--all", "--message", "Template v2", cwd=template)

    # GitHub's side: the push URL leads to the bare repository, and gh records what it is asked.
    tools = tmp_path / "tools"
    tools.mkdir()
    (tools / "gh").write_text(GH_STAND_IN)
    (tools / "gh").chmod(0o755)
    calls = tmp_path / "gh-calls"
    gitconfig = tmp_path / "gitconfig"
    push_url = "https://x-access-token:token-for-tests@github.com/acme/acme_cloud.git"
    gitconfig.write_text(f'[url "{remote}"]\n\tinsteadOf = {push_url}\n')
    temp = tmp_path / "runner-temp"
    temp.mkdir()
    runner = Runner(
        workspace,
        runner_python,
        temp,
        chromium,
        expressions={
            "secrets.TEMPLATE_UPDATE_TOKEN || github.token": "token-for-tests",
            "github.event.repository.default_branch": "main",
        },
        extra_path=[tools],
        extra_env={"GH_CALLS": str(calls), "GIT_CONFIG_GLOBAL": str(gitconfig), "GITHUB_REPOSITORY": "acme/acme_cloud"},
    )

    runner.run_job("template-update.yml", "check")
    assert runner.job_runs("template-update.yml", "update"), "cruft check should have found the new commit"
    runner.run_job("template-update.yml", "update")

    pushed = run(["git", "show", "template-update:.cruft.json"], cwd=remote).stdout
    assert json.loads(pushed)["commit"] == head(template)
    pushed_readme = run(["git", "show", "template-update:README.md"], cwd=remote).stdout
    create = [line for line in calls.read_text().splitlines() if line.startswith("pr create")]
    assert len(create) == 1, calls.read_text()
    assert "--base main --head template-update" in create[0], create[0]
    body = Path(f"{calls}.body").read_text()
    assert "### Template v2 for the weekly workflow's test" in body and "Set NEW_SETTING" in body, body
    assert head(template)[:12] in body, body
    if conflict:
        assert "--draft" in create[0], create[0]
        assert "**Conflicts to resolve**" in body and "- `README.md`" in body, body
        assert "<<<<<<< ours" in pushed_readme, pushed_readme[:400]
    else:
        assert "--draft" not in create[0], create[0]
        assert "Conflicts" not in body, body
        assert "Template v2: this line came with the weekly workflow." in pushed_readme
