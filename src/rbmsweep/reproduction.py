"""The reproduction table: every claim of the papers that the studies of a config check
(each kind's ``CLAIMS``, ``rbmsweep.studies.base.Claim``), evaluated on the studies'
aggregates, as ``results/reproduction.md`` and an HTML page for the Snakemake report
(docs/physics.md §17.5).

A row is one claim for one study: the claim, the paper's figure and value, what was measured,
PASS / FAIL / n/a (the study does not measure it: a claim about fresh data in a study without
them), the criterion, and the study's config.  A check that raises is a row marked ERROR with
the exception, so that one broken check never hides the others.
"""

import html
import json

STATUS = {True: "PASS", False: "FAIL", None: "n/a"}


def config_summary(study):
    """A study's settings in one line: its data, rbm and train keys and its seeds."""
    parts = []
    for section in ("data", "rbm", "train"):
        for key, value in study.get(section, {}).items():
            text = json.dumps(value, separators=(",", ":")) if isinstance(value, (list, dict)) \
                else str(value).lower() if isinstance(value, bool) else str(value)
            parts.append(f"{key}={text}")
    seeds = study.get("seeds", 1)
    parts.append(f"seeds={seeds if isinstance(seeds, int) else len(seeds)}")
    return " ".join(parts)


def evaluate(name, kind, aggregates, study=None):
    """The rows of one study: ``aggregates`` maps aggregate names to opened Datasets;
    ``study`` is its config section (for the config column)."""
    from .studies import claims

    rows = []
    for claim in claims(kind):
        try:
            outcome = claim.check({need: aggregates[need] for need in claim.needs})
            measured, status = outcome.measured, STATUS[outcome.passed]
        except Exception as error:  # noqa: BLE001 - reported in the table, not hidden
            measured, status = f"{type(error).__name__}: {error}", "ERROR"
        rows.append({"study": name, "kind": kind, "claim": claim.claim, "figure": claim.figure,
                     "paper": claim.paper, "measured": measured, "status": status,
                     "criterion": claim.criterion,
                     "config": config_summary(study or {})})
    return rows


def _cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


COLUMNS = (("claim", "claim"), ("figure", "figure"), ("paper", "paper"),
           ("measured", "measured"), ("status", "result"), ("criterion", "criterion"))


def _sections(rows, studies):
    """Each study's (kind, config line, rows), in config order: ``studies`` maps a study's name
    to (kind, config section), so that a study whose kind checks no claim still has a section;
    without it, the studies that have rows."""
    if studies is None:
        studies = {row["study"]: (row["kind"], None) for row in rows}
    for study, (kind, section) in studies.items():
        members = [row for row in rows if row["study"] == study]
        line = members[0]["config"] if members else config_summary(section or {})
        yield study, kind, line, members


NO_CLAIMS = "This kind checks no claim of a paper yet."


def markdown(rows, configfile="config.yaml", studies=None):
    """The table as Markdown, one section per study with its config line (``studies``: see
    ``_sections``)."""
    lines = ["# Reproduction of the papers' claims", "",
             f"Every claim that the studies of `{configfile}` check, evaluated on their "
             "aggregates (`results/<study>/*.nc`) by the study kinds' `CLAIMS` tables "
             "(`rbmsweep.studies`); n/a: the study does not measure it.", ""]
    counts = {status: sum(row["status"] == status for row in rows)
              for status in ("PASS", "FAIL", "n/a", "ERROR")}
    lines += [", ".join(f"{count} {status}" for status, count in counts.items() if count), ""]
    for study, kind, line, members in _sections(rows, studies):
        lines += [f"## {study} (kind {kind})", "", f"config: `{line}`", ""]
        if not members:
            lines += [NO_CLAIMS, ""]
            continue
        lines += ["| " + " | ".join(title for _, title in COLUMNS) + " |",
                  "|" + "---|" * len(COLUMNS)]
        lines += ["| " + " | ".join(_cell(row[key]) for key, _ in COLUMNS) + " |"
                  for row in members]
        lines.append("")
    return "\n".join(lines)


def html_page(rows, configfile="config.yaml", studies=None):
    """The table as a stand-alone HTML page (the Snakemake report shows it; ``studies``: see
    ``_sections``)."""
    colour = {"PASS": "#d8f0d8", "FAIL": "#f6d0d0", "n/a": "#eeeeee", "ERROR": "#f6d0d0"}
    head = "".join(f"<th>{html.escape(title)}</th>" for _, title in COLUMNS)
    body = []
    for study, kind, line, members in _sections(rows, studies):
        body.append(f"<h2>{html.escape(study)} (kind {html.escape(kind)})</h2>"
                    f"<p><code>{html.escape(line)}</code></p>")
        if not members:
            body.append(f"<p>{NO_CLAIMS}</p>")
            continue
        body.append(f"<table><tr>{head}</tr>")
        for row in members:
            cells = "".join(
                f"<td style='background:{colour[row['status']]}'>{html.escape(row[key])}</td>"
                if key == "status" else f"<td>{html.escape(str(row[key]))}</td>"
                for key, _ in COLUMNS)
            body.append(f"<tr>{cells}</tr>")
        body.append("</table>")
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>Reproduction</title>"
            "<style>body{font-family:sans-serif;font-size:13px}table{border-collapse:collapse}"
            "td,th{border:1px solid #bbb;padding:3px 6px;vertical-align:top}</style></head>"
            f"<body><h1>Reproduction of the papers' claims ({html.escape(configfile)})</h1>"
            + "".join(body) + "</body></html>")
