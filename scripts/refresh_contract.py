"""Refresh the committed API contract of each routing: openapi.yaml and the front end's types.

The schema depends on the routing (the X-Tenant-ID header, the tenant's host) but not on the
strategy, and the hook stamps the project's own names into it at bake time, so the template
keeps one schema per routing, as baked with the default answers. After a change to the API
code, run `make contract`: it bakes each routing, runs the bake's `make schema` and copies
the results back. The baked projects' own tests fail on a stale file (docs/decisions/committed-contract-per-routing.md).
"""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from cookiecutter.main import cookiecutter

TEMPLATE = Path(__file__).resolve().parent.parent
OVERLAY = TEMPLATE / "{{cookiecutter.project_slug}}" / "_routing"
FILES = ("openapi.yaml", "frontend/src/api/schema.d.ts")


def main():
    with tempfile.TemporaryDirectory(prefix="contract-") as workdir:
        for routing in ("header", "subdomain"):
            project = Path(
                cookiecutter(
                    str(TEMPLATE),
                    no_input=True,
                    output_dir=str(Path(workdir) / routing),
                    extra_context={"tenant_routing": routing, "frontend": "react"},
                )
            )
            subprocess.run(["make", "schema"], cwd=project, check=True)
            for name in FILES:
                target = OVERLAY / routing / name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(project / name, target)
                print(f"refreshed {target.relative_to(TEMPLATE)}")
            if (project / ".pgdata" / "postmaster.pid").exists():
                subprocess.run(["make", "db-stop"], cwd=project, check=True)


if __name__ == "__main__":
    sys.exit(main())
