"""A person's function text set as a title."""

from __future__ import annotations

import html

from hypothesis import given
from hypothesis import strategies as st

from gradient_studio.scene.formula import formula_html


def test_powers_become_superscripts_and_minus_signs_are_true_minus_signs():
    assert formula_html("(1-x)^2 + 100(y-x^2)^2") == (
        "(1 − <i>x</i>)<sup>2</sup> + 100(<i>y</i> − <i>x</i><sup>2</sup>)<sup>2</sup>"
    )


def test_products_are_juxtaposed_except_between_numbers():
    assert formula_html("b*(y - x**2)") == "<i>b</i>(<i>y</i> − <i>x</i><sup>2</sup>)"
    assert formula_html("2*3") == "2·3"


def test_functions_stay_upright_and_pi_is_a_letter():
    assert formula_html("cos(2 pi x)") == "cos(2π<i>x</i>)"


def test_bracketed_and_negative_exponents():
    assert formula_html("x^(2y+1)") == "<i>x</i><sup>2<i>y</i> + 1</sup>"
    assert formula_html("y^-1") == "<i>y</i><sup>−1</sup>"


def test_text_it_cannot_lay_out_is_shown_as_typed():
    assert formula_html("sin(x") == "sin(x"
    assert formula_html("x < y") == "<i>x</i> &lt; <i>y</i>"
    assert formula_html("a^") == "a^"


@given(st.text(max_size=40))
def test_any_text_gives_markup_without_raw_angle_brackets(text):
    out = formula_html(text)
    stripped = out
    for tag in ("<i>", "</i>", "<sup>", "</sup>", "<sub>", "</sub>"):
        stripped = stripped.replace(tag, "")
    assert "<" not in stripped and ">" not in stripped
    assert isinstance(html.unescape(stripped), str)


def test_text_nested_deeper_than_any_function_is_shown_as_typed():
    text = "(" * 999 + "x"  # the layout recursed past Python's limit
    assert formula_html(text) == html.escape(text)


def test_the_title_reads_the_languages_own_tokens():
    """scene/formula lays out the tokens the parser reads (engine/expression/tokens)."""
    assert formula_html("2e3x + .5y**2") == "2e3<i>x</i> + .5<i>y</i><sup>2</sup>"
    assert formula_html("log10(x) + relu(y)") == "log10(<i>x</i>) + relu(<i>y</i>)"


def test_weights_with_a_number_are_subscripted_and_words_kept_apart():
    """A model's weights read as a textbook writes them: w₂ tanh(w₁x), not w2tanh(w1x)."""
    assert formula_html("w2*tanh(w1*x)") == (
        "<i>w</i><sub>2</sub> tanh(<i>w</i><sub>1</sub><i>x</i>)"
    )
    assert formula_html("alpha*beta") == "alpha beta"
    assert formula_html("2*sin(x)") == "2sin(<i>x</i>)"
