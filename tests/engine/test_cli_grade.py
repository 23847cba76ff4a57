"""`tutor grade ID`: the drill's grader from the command line, with the answer on stdin or --answer."""

import json
import os
import subprocess
import sys


def tutor(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tutor", *args], input=stdin, capture_output=True, text=True, env=os.environ, timeout=60
    )


NEGATED = "池化不是下采样，它不能减少参数和计算量，也不会扩大感受野"


def test_an_answer_on_stdin_is_graded_with_each_point_and_its_reason():
    result = tutor("grade", "c000-hw-3.3", stdin=NEGATED)
    assert result.returncode == 0, result.stderr
    assert "score 0%" in result.stdout and "again" in result.stdout
    assert "negated" in result.stdout
    assert "池化不是下采样" in result.stdout


def test_an_answer_given_with_the_answer_option():
    result = tutor("grade", "c000-hw-3.3", "--answer", "池化就是降采样，还能扩大感受野")
    assert result.returncode == 0, result.stderr
    assert "score 40%" in result.stdout
    assert "✓" in result.stdout


def test_json_gives_score_rating_and_points_with_evidence_and_reasons():
    result = tutor("grade", "c000-hw-3.3", "--json", stdin=NEGATED)
    data = json.loads(result.stdout)
    assert (data["score"], data["rating"]) == (0.0, "again")
    first = data["points"][0]
    assert (first["point"], first["made"], first["reason"], first["evidence"]) == ("下采样", False, "negated", "池化不是下采样")


def test_json_matches_the_grader_the_drill_uses():
    from tutor.engine.grading import grade_answer
    from tutor.questions.library import load_library

    answer = "Pooling downsamples and enlarges the receptive field"
    data = json.loads(tutor("grade", "c000-hw-3.3", "--json", "--answer", answer).stdout)
    assert data == grade_answer(load_library().card("c000-hw-3.3"), answer).to_dict()


def test_an_unknown_card_is_one_line_on_stderr():
    result = tutor("grade", "no-such-card", "--answer", "x")
    assert result.returncode == 2
    assert result.stderr.startswith("tutor: error: unknown card id 'no-such-card'")
    assert result.stderr.count("\n") == 1 and result.stdout == ""


def test_an_empty_answer_is_one_line_on_stderr():
    result = tutor("grade", "c000-hw-3.3", stdin="  \n")
    assert result.returncode == 2
    assert result.stderr == "tutor: error: the answer is empty: nothing to grade\n"


def test_a_number_the_reference_states_otherwise_is_listed_with_its_cost():
    result = tutor("grade", "c002-7", "--answer", "GPT-3 有 200 层")
    assert result.returncode == 0, result.stderr
    assert "200 where the reference says 96" in result.stdout
    assert "-1 point: a wrong number" in result.stdout
    data = json.loads(tutor("grade", "c002-7", "--json", "--answer", "GPT-3 有 200 层").stdout)
    assert [(m["said"], m["expected"]) for m in data["misstated_numbers"]] == [("200", ["96"])]
