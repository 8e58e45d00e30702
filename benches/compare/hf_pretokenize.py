"""The Hugging Face `tokenizers` pipeline [NFKC, Lowercase] + [Whitespace, Punctuation], applied
per line with punctuation tokens dropped: the reference that `blazetext preprocess` must match
token for token, and the peer it is timed against."""
import sys
import time
import unicodedata

from tokenizers import normalizers, pre_tokenizers

PUNCT = {"Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po"}


def is_punct_token(tok):
    return all(
        (ord(c) < 128 and not c.isalnum() and c.isprintable() and not c.isspace())
        or unicodedata.category(c) in PUNCT
        for c in tok
    )


def main(src, dst):
    norm = normalizers.Sequence([normalizers.NFKC(), normalizers.Lowercase()])
    pre = pre_tokenizers.Sequence([pre_tokenizers.Whitespace(), pre_tokenizers.Punctuation()])
    start = time.perf_counter()
    size = 0
    with open(src, encoding="utf-8", errors="replace", newline="\n") as f, open(dst, "w", encoding="utf-8") as out:
        for line in f:
            size += len(line.encode("utf-8"))
            line = line.rstrip("\n").rstrip("\r")
            toks = [t for t, _ in pre.pre_tokenize_str(norm.normalize_str(line))]
            out.write(" ".join(t for t in toks if not is_punct_token(t)))
            out.write("\n")
    seconds = time.perf_counter() - start
    print(f"{seconds:.3f} {size / 1e6 / seconds:.2f}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
