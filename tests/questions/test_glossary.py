"""The course glossary shipped with the corpus: its file, lookups by any form, whole-word English, query expansion."""

import re

import pytest

from tutor.errors import DeckError
from tutor.questions.glossary import expand_query, load_glossary, read_glossary
from tutor.questions.library import load_library


@pytest.fixture(scope="module")
def glossary():
    return load_glossary()


def test_the_glossary_has_a_few_hundred_terms(glossary):
    assert len(glossary.entries) >= 300


def test_its_terms_come_from_the_corpus(glossary):
    # Drawn from the corpus's own vocabulary: nearly every term, or one of its forms, occurs in some card.
    text = " ".join(f"{card.question} {card.answer} {' '.join(card.key_points)}" for card in load_library().cards)
    text = text.lower()
    found = [entry for entry in glossary.entries if any(form.lower() in text for form in entry.forms)]
    assert len(found) / len(glossary.entries) >= 0.9


@pytest.mark.parametrize(
    ("form", "term"),
    [("降采样", "下采样"), ("downsampling", "下采样"), ("Receptive Field", "感受野"), ("BP", "反向传播"),
     ("backpropagation", "反向传播"), ("步长", "学习率"), ("learning rate", "学习率"), ("ＲｅＬＵ", "ReLU")],
)
def test_every_form_leads_to_its_term(glossary, form, term):
    assert glossary.entry(form).term == term


def test_canonical_text_reads_every_form_as_its_term(glossary):
    assert glossary.canonical("Pooling downsamples; 池化就是降采样") == "池化 下采样; 池化就是下采样"


def test_english_forms_match_whole_words_only(glossary):
    # "pool" is a form of 池化, "spool" is not; plural and verb endings are read.
    assert glossary.canonical("spool") == "spool"
    assert glossary.canonical("layers") == "层"
    assert glossary.canonical("enlarging") == "增加"


def test_an_english_adverb_listed_leads_to_its_term(glossary):
    assert glossary.canonical("randomly") == "随机性"


def test_the_longest_form_wins(glossary):
    assert glossary.canonical("max pooling") == "最大池化"


def test_a_query_is_expanded_with_the_other_forms_of_its_terms():
    expanded = expand_query("降采样")
    assert expanded[0] == "降采样"
    assert {"下采样", "downsampling"} <= set(expanded)


def test_a_query_without_glossary_terms_is_left_alone():
    assert expand_query("炒鸡蛋") == ("炒鸡蛋",)


def test_a_form_naming_two_terms_is_refused_with_its_line(tmp_path):
    path = tmp_path / "glossary.tsv"
    path.write_text("term\tsynonyms\tenglish\tabbreviations\n池化\t\tpooling\n汇聚\t\tpooling\n", encoding="utf-8")
    with pytest.raises(DeckError, match=re.escape(f"{path}:3:")):
        read_glossary(path)


def test_a_term_on_two_lines_is_refused_with_its_line(tmp_path):
    path = tmp_path / "glossary.tsv"
    path.write_text("term\tsynonyms\tenglish\tabbreviations\n降维\t\treduce dimension\n降维\t降低维度\t\n", encoding="utf-8")
    with pytest.raises(DeckError, match=re.escape(f"{path}:3:")):
        read_glossary(path)


def test_a_malformed_line_is_refused_with_its_line(tmp_path):
    path = tmp_path / "glossary.tsv"
    path.write_text("term\tsynonyms\tenglish\tabbreviations\n池化\ta\tb\tc\td\n", encoding="utf-8")
    with pytest.raises(DeckError, match=re.escape(f"{path}:2:")):
        read_glossary(path)
