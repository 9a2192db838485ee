"""Read-aloud (INC-E2): every notice, decision, product summary and clause of the consumer portal as speech.

The pure part (``domain``) normalises and splits text, names the cache key and picks the voice; the shell
(``engine``) runs espeak-ng and keeps its WAV under a content address; only texts the server itself rendered
(recorded by the ``{% read_aloud %}`` tag) are ever spoken (docs/adr/0011).
"""
