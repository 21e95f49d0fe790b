"""Dependency audit for `make test`: pip-audit on the packages installed in the virtualenv.

Known vulnerabilities fail the build (exit 1), listed with the versions that fix them. When the
vulnerability service cannot be reached, or answers for none of the packages (an offline machine, a
registry mirror without the per-version API), the audit is reported as not done, loudly, but does not
fail the build: the tests still run. Set AUDIT_STRICT=1 (e.g. in a CI that has the network) to make
an audit that could not be done fail as well. AUDIT_SERVICE picks pip-audit's service (pypi, osv).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

NOT_DONE = 2  # an audit that could not be done: only fails with AUDIT_STRICT=1


def summarise(report: dict) -> tuple[list[str], int]:
    """Lines to print and the exit status for pip-audit's JSON report."""
    dependencies = report.get("dependencies", [])
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    audited = len(dependencies) - len(skipped)
    lines = [
        f"pip-audit : {len(dependencies)} paquets, {audited} audités, {len(skipped)} non audités, "
        f"{sum(len(d['vulns']) for d in vulnerable)} vulnérabilité(s) connue(s)."
    ]
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions") or []) or "aucune version corrigée"
            aliases = ", ".join(vuln.get("aliases") or [])
            lines.append(
                f"  VULNÉRABLE {dep['name']} {dep['version']} : {vuln['id']}"
                f"{f' ({aliases})' if aliases else ''} — corrigé en {fixes}"
            )
    if vulnerable:
        lines.append("Échec : mettez à jour ces paquets (pyproject.toml) puis relancez make test.")
        return lines, 1
    if dependencies and audited == 0:
        lines.append(
            "ATTENTION : audit non effectué, le service de vulnérabilités n'a répondu pour aucun paquet "
            f"(« {skipped[0]['skip_reason']} »)."
        )
        return lines, NOT_DONE
    lines.extend(f"  non audité : {d['skip_reason']}" for d in skipped)
    return lines, 0


def run_pip_audit(service: str) -> tuple[dict | None, str]:
    command = [
        sys.executable,
        "-m",
        "pip_audit",
        "--local",
        "--skip-editable",
        "--format",
        "json",
        "--progress-spinner",
        "off",
        "--vulnerability-service",
        service,
        "--timeout",
        "20",
    ]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, str(exc)
    try:
        return json.loads(result.stdout), result.stderr
    except json.JSONDecodeError:
        output = (result.stderr.strip() or result.stdout.strip() or "no output").splitlines()
        return None, output[-1][:300]


def main() -> int:
    strict = os.environ.get("AUDIT_STRICT", "") in {"1", "true", "yes"}
    report, errors = run_pip_audit(os.environ.get("AUDIT_SERVICE", "pypi"))
    if report is None:
        lines = [
            f"ATTENTION : audit non effectué, pip-audit n'a pas pu interroger le service : {errors}".strip()
        ]
        status = NOT_DONE
    else:
        lines, status = summarise(report)
    print("\n".join(lines), flush=True)
    if status == NOT_DONE:
        print("(l'audit non effectué n'interrompt pas les tests ; AUDIT_STRICT=1 le rendrait bloquant)")
        return 1 if strict else 0
    return status


if __name__ == "__main__":
    sys.exit(main())
