from __future__ import annotations

import csv

from typer.testing import CliRunner

from safehub.cli import app

runner = CliRunner()

A = """id,Forename,Surname,DOB,Postcode,NHS
1,William,Smith,17/03/2015,BD5 9ZL,
2,Bill,Smith,17/03/2015,BD5 9ZL,
3,Amara,Okafor,01/05/2016,CV11 2GQ,9434765919
4,Chidi,Okafor,01/05/2016,CV11 2GQ,9434765870
5,Zoe,Quinn,not known,CV10 3XG,
6,Priya,Shah,30/11/2012,BD23 5RD,
"""
B = """ref,first,last,birth
x1,Wiliam,Smith,20150317
x2,Priya,Shah,20121130
x3,Tom,Evans,20100101
"""


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _read(path):
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_dedupe_one_file(tmp_path):
    a = _write(tmp_path, "agency.csv", A)
    out = tmp_path / "clusters.csv"
    result = runner.invoke(app, ["dedupe", str(a), "--id", "id", "--map", "first_name=Forename", "--map", "surname=Surname",
                                 "--map", "dob=DOB", "--map", "postcode=Postcode", "--map", "nhs_number=NHS",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = _read(out)
    assert list(rows[0]) == ["source", "record_id", "cluster_id", "match_probability"]
    cluster = {r["record_id"]: r["cluster_id"] for r in rows}
    assert cluster["1"] == cluster["2"]  # Bill = William
    assert cluster["3"] != cluster["4"]  # twins, different NHS numbers
    assert len(set(cluster.values())) == 5
    assert {r["source"] for r in rows} == {"agency"}
    assert float(rows[0]["match_probability"]) >= 0.9 and rows[5]["match_probability"] == ""
    assert "agency row 5: 'not known'" in result.output  # unreadable date reported, row carried on as missing
    assert "%d/%m/%Y" in result.output


def test_link_two_files(tmp_path):
    a = _write(tmp_path, "agency.csv", A)
    b = _write(tmp_path, "school.csv", B)
    out = tmp_path / "out" / "clusters.csv"
    result = runner.invoke(app, ["dedupe", str(a), str(b), "--map", "first_name=Forename", "--map", "surname=Surname",
                                 "--map", "dob=DOB", "--out", str(out)])
    # the files name their columns differently: the first missing one is reported, exit 2
    assert result.exit_code == 2
    assert "school: no column 'Forename'" in " ".join(result.output.split())

    renamed = B.replace("ref,first,last,birth", "id,Forename,Surname,DOB")
    b = _write(tmp_path, "school.csv", renamed)
    result = runner.invoke(app, ["dedupe", str(a), str(b), "--id", "id", "--map", "first_name=Forename",
                                 "--map", "surname=Surname", "--map", "dob=DOB", "--out", str(out)])
    assert result.exit_code == 0, result.output
    cluster = {(r["source"], r["record_id"]): r["cluster_id"] for r in _read(out)}
    assert cluster[("agency", "1")] == cluster[("school", "x1")] == cluster[("agency", "2")]
    assert cluster[("agency", "6")] == cluster[("school", "x2")]
    assert cluster[("school", "x3")] not in {cluster[k] for k in cluster if k != ("school", "x3")}


def test_missing_column_is_exit_2_and_named(tmp_path):
    a = _write(tmp_path, "agency.csv", A)
    result = runner.invoke(app, ["dedupe", str(a), "--id", "id", "--map", "first_name=Forename", "--map", "surname=Lastname",
                                 "--out", str(tmp_path / "c.csv")])
    assert result.exit_code == 2
    assert "no column 'Lastname'" in result.output
    assert not (tmp_path / "c.csv").exists()


def test_bad_arguments_are_exit_2(tmp_path):
    a = _write(tmp_path, "agency.csv", A)
    out = str(tmp_path / "c.csv")
    result = runner.invoke(app, ["dedupe", str(a), "--map", "shoe=Forename", "--out", out])
    assert result.exit_code == 2 and "unknown --map name 'shoe'" in result.output
    result = runner.invoke(app, ["dedupe", str(a), "--map", "first_name=Forename", "--threshold", "2", "--out", out])
    assert result.exit_code == 2 and "threshold must be between 0 and 1" in result.output
    result = runner.invoke(app, ["dedupe", str(tmp_path / "nope.csv"), "--map", "first_name=Forename", "--out", out])
    assert result.exit_code == 2 and "no such file" in result.output
    result = runner.invoke(app, ["dedupe", str(a), "--id", "Surname", "--map", "first_name=Forename", "--out", out])
    assert result.exit_code == 2 and "repeated id" in result.output


def test_dob_format_option_and_model_file(tmp_path):
    b = _write(tmp_path, "school.csv", B)
    out = tmp_path / "c.csv"
    model = tmp_path / "model.json"
    result = runner.invoke(app, ["dedupe", str(b), "--id", "ref", "--map", "first_name=first", "--map", "surname=last",
                                 "--map", "dob=birth", "--dob-format", "%Y%m%d", "--save-model", str(model),
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "unreadable" not in result.output and "could not be read" not in result.output
    assert '"format": "safehub-linkage-model"' in model.read_text()
