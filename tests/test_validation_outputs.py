"""Scenario numbers and output paths: refused with one clean sentence, never a traceback (issue 10)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sufficiency import cli, service
from sufficiency.errors import BadValueError

V = Path(__file__).parent / "fixtures" / "validation"
PROVIDERS = V / "provider_at_march_2024_leeds_only.csv"


@pytest.mark.parametrize("text", ["E06000001:-5", "E06000001:+5", "E06000001:1e12", "E06000001:1_000",
                                  "E06000001:1,000", "E06000001:\u0661\u0662", "E06000001:\uff11\uff12",
                                  "E06000001:2.5", "E06000001:10001", "E06000001:0", "E06000001", "Leeds:5"])
def test_scenario_numbers_other_than_plain_whole_places_are_refused(text):
    with pytest.raises(BadValueError) as err:
        service.parse_changes([text], [])
    assert err.value.problems[0].value == text and "--open" in str(err.value)


def test_scenario_changes_read_as_written():
    assert service.parse_changes(["e08000032:12", " E06000001 : 10000 "], ["E08000035:4"]) == [
        ("E08000032", 12), ("E06000001", 10_000), ("E08000035", -4)]
    with pytest.raises(BadValueError) as err:
        service.parse_changes(["E06000001:-5"], ["E06000002:1e3"])
    assert [p.value for p in err.value.problems] == ["E06000001:-5", "E06000002:1e3"]  # both listed at once


@pytest.mark.parametrize("delta", [0, 1.5, 10_001, -10_001])
def test_app_scenario_form_values_are_checked(delta):
    with pytest.raises(BadValueError, match="whole number between -10,000 and 10,000"):
        service.check_changes([("E06000001", delta)])


def test_cli_close_with_a_sign_is_refused(capsys):
    assert cli.run(["scenario", "--close", "E06000001:-5"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: column '--close': --close 'E06000001:-5' should be CODE:NUMBER")
    assert "Traceback" not in err


def _err(capsys) -> str:
    return capsys.readouterr().err


def test_an_output_that_is_an_input_is_refused_and_the_input_untouched(capsys, tmp_path):
    copy = tmp_path / "provider_at_march_2024_leeds_only.csv"
    copy.write_bytes(PROVIDERS.read_bytes())
    assert cli.run(["export", "--providers", str(copy), "--out", str(copy)]) == 2
    assert _err(capsys) == (f"error: file '{copy}': --out is the same file as the input given with --providers: "
                            "choose another output name (inputs are never overwritten)\n")
    assert copy.read_bytes() == PROVIDERS.read_bytes()
    link = tmp_path / "another_name.csv"  # the same file under another name (a hard link)
    link.hardlink_to(copy)
    assert cli.run(["export", "--providers", str(copy), "--out", str(link)]) == 2
    assert "--out is the same file as the input given with --providers" in _err(capsys)
    assert copy.read_bytes() == PROVIDERS.read_bytes()


def test_two_outputs_with_one_path_and_a_folder_are_refused_together(capsys, tmp_path):
    same = tmp_path / "same.csv"
    assert cli.run(["export", "--out", str(same), "--report", str(same)]) == 2
    assert "--report and --out name the same file: give each output its own name" in _err(capsys)
    assert cli.run(["placements", str(V / "placements_faults.csv"), "--out", str(tmp_path), "--flows",
                    str(tmp_path / "f.csv"), "--child-level", str(tmp_path / "f.csv")]) == 2
    err = _err(capsys)
    assert "2 problems found" in err and "--out is a folder: give a file name" in err
    assert "--child-level and --flows name the same file" in err
    assert not same.exists()


def test_a_missing_folder_is_created_and_an_impossible_one_is_a_clean_error(capsys, tmp_path):
    out = tmp_path / "new" / "deeper" / "shortfall.csv"
    assert cli.run(["export", "--out", str(out)]) == 0
    assert out.read_bytes().count(b"\n") == 154 and "wrote" in _err(capsys)
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    assert cli.run(["export", "--out", str(blocker / "x.csv")]) == 2
    err = _err(capsys)
    assert err.startswith(f"error: file '{blocker / 'x.csv'}': could not write the output file")
    assert "internal error" not in err and "Traceback" not in err
