"""The pure part of read-aloud (INC-E2): the key, the text, the voice, the WAV header."""

from __future__ import annotations

import hashlib
import hmac
import io
import struct
import wave

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xiaobao.speech.domain.keys import is_key, speech_key, speech_secret
from xiaobao.speech.domain.text import MAX_CHARACTERS, normalised, paragraphs, pieces
from xiaobao.speech.domain.voices import voice_for, voice_for_language
from xiaobao.speech.domain.wav import NotWav, with_true_sizes

SECRET = speech_secret(b"\x01" * 32)
DECISION = "经核查，销售人员未向您充分说明免责条款。"


def test_the_same_text_and_language_give_the_same_key() -> None:
    first = speech_key(SECRET, language="zh-CN", voice="cmn", text=DECISION)
    again = speech_key(SECRET, language="zh-CN", voice="cmn", text=DECISION)

    assert first == again
    assert is_key(first)


@pytest.mark.parametrize(
    "changed",
    [
        {"text": DECISION + "。"},
        {"language": "en"},
        {"voice": "en"},
    ],
    ids=["text", "language", "voice"],
)
def test_a_different_text_language_or_voice_gives_a_different_key(changed: dict[str, str]) -> None:
    parts = {"language": "zh-CN", "voice": "cmn", "text": DECISION}

    assert speech_key(SECRET, **{**parts, **changed}) != speech_key(SECRET, **parts)


def test_the_parts_cannot_be_shifted_into_one_another() -> None:
    assert speech_key(SECRET, language="zh", voice="cmn", text="x") != speech_key(
        SECRET, language="zhc", voice="mn", text="x"
    )


def test_the_key_cannot_be_derived_without_the_server_key() -> None:
    """Whoever knows the text (and how keys are made) but not the server's key computes the wrong name."""
    real = speech_key(SECRET, language="zh-CN", voice="cmn", text=DECISION)
    message = b"".join(len(p).to_bytes(4, "big") + p for p in (b"zh-CN", b"cmn", DECISION.encode()))

    guesses = {
        hashlib.sha256(DECISION.encode()).hexdigest(),
        hashlib.sha256(message).hexdigest(),
        hmac.new(b"", message, hashlib.sha256).hexdigest(),
        speech_key(speech_secret(b"\x02" * 32), language="zh-CN", voice="cmn", text=DECISION),
        speech_key(b"\x01" * 32, language="zh-CN", voice="cmn", text=DECISION),  # the server key, underived
    }

    assert real not in guesses


@given(st.text(max_size=200))
def test_normalising_twice_changes_nothing(text: str) -> None:
    assert normalised(normalised(text)) == normalised(text)


def test_spacing_differences_do_not_make_a_different_text() -> None:
    assert (
        normalised("  第一条\u3000保险责任 \r\n 被保险人身故的\t\t给付。 ") == "第一条 保险责任\n被保险人身故的 给付。"
    )


def test_paragraphs_are_split_at_blank_lines_only() -> None:
    terms = "第一条 保险责任\n被保险人身故的，按基本保险金额给付。\n\n\n第二条 犹豫期\n15 日。\n"

    assert paragraphs(terms) == ["第一条 保险责任\n被保险人身故的，按基本保险金额给付。", "第二条 犹豫期\n15 日。"]


def test_a_long_paragraph_is_cut_at_sentence_ends_without_losing_a_character() -> None:
    sentence = "被保险人因意外伤害身故的，我们按基本保险金额给付身故保险金。"  # 31 characters
    clause = sentence * 25

    cut = pieces(clause)

    assert len(cut) == 3
    assert all(len(piece) <= MAX_CHARACTERS for piece in cut)
    assert all(piece.endswith("。") for piece in cut)
    assert "".join(cut) == clause


def test_a_paragraph_without_any_sentence_end_is_cut_at_the_limit() -> None:
    cut = pieces("保" * (MAX_CHARACTERS * 2 + 5))

    assert [len(piece) for piece in cut] == [MAX_CHARACTERS, MAX_CHARACTERS, 5]


@given(st.text(alphabet=st.sampled_from("保险责任。，！ \n"), max_size=2000))
def test_pieces_are_never_empty_never_too_long_and_keep_every_letter(text: str) -> None:
    cut = pieces(text)

    assert all(0 < len(piece) <= MAX_CHARACTERS for piece in cut)
    letters = [c for c in normalised(text) if not c.isspace()]
    assert [c for c in "".join(cut) if not c.isspace()] == letters


@pytest.mark.parametrize(
    ("language", "voice"),
    [("zh-hans", "cmn"), ("zh-hant", "cmn"), ("en", "en"), ("en-gb", "en"), ("ko", "ko"), ("mn-mong", "cmn")],
)
def test_django_languages_map_to_espeak_voices(language: str, voice: str) -> None:
    assert voice_for_language(language).engine_name == voice


def test_chinese_text_is_read_in_mandarin_even_on_an_english_page() -> None:
    assert voice_for(DECISION, "en").engine_name == "cmn"


def test_english_words_on_a_chinese_page_are_read_in_english() -> None:
    assert voice_for("We found that the agent did not explain the exclusions.", "zh-hans").engine_name == "en"


def test_a_text_of_digits_only_is_read_in_the_pages_language() -> None:
    assert voice_for("2026-03-02 10:00", "en").engine_name == "en"
    assert voice_for("2026-03-02 10:00", "zh-hant").engine_name == "cmn"


def _streamed_wav(samples: bytes) -> bytes:
    """A WAV as espeak-ng writes it to a pipe: sizes that say 'until the end', not the real ones."""
    fmt = struct.pack("<HHIIHH", 1, 1, 22050, 44100, 2, 16)
    return (
        b"RIFF" + struct.pack("<I", 0x7FFFF024) + b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt
        + b"data" + struct.pack("<I", 0x7FFFF000) + samples
    )  # fmt: skip


def test_the_header_of_a_streamed_wav_gets_the_real_length() -> None:
    samples = struct.pack("<4h", 0, 1000, -1000, 0)

    fixed = with_true_sizes(_streamed_wav(samples))

    with wave.open(io.BytesIO(fixed)) as audio:
        assert (audio.getnchannels(), audio.getframerate(), audio.getnframes()) == (1, 22050, 4)
        assert audio.readframes(4) == samples
    assert struct.unpack_from("<I", fixed, 4)[0] == len(fixed) - 8


def test_something_that_is_not_a_wav_is_refused() -> None:
    with pytest.raises(NotWav):
        with_true_sizes(b"espeak-ng: voice not found\n")
