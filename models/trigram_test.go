package models

import (
	"strings"
	"testing"
	"unicode"
)

// wordSimilarityReference is WordSimilarity as first written, with maps and
// strings.FieldsFunc: the faster one must give the same scores.
func wordSimilarityReference(word, text string) float64 {
	trigrams := func(s string) []trigram {
		var out []trigram
		for _, w := range strings.FieldsFunc(s, notWordRune) {
			rs := []rune{' ', ' '}
			for _, r := range w {
				rs = append(rs, unicode.ToLower(r))
			}
			rs = append(rs, ' ')
			for i := 0; i+3 <= len(rs); i++ {
				out = append(out, trigram{rs[i], rs[i+1], rs[i+2]})
			}
		}
		return out
	}
	want := map[trigram]bool{}
	for _, t := range trigrams(word) {
		want[t] = true
	}
	if len(want) == 0 {
		return 0
	}
	seq := trigrams(text)
	best := 0.0
	for i := range seq {
		if !want[seq[i]] {
			continue
		}
		seen := map[trigram]bool{}
		found, other := 0, 0
		for _, t := range seq[i:] {
			if !seen[t] {
				seen[t] = true
				if want[t] {
					found++
				} else {
					other++
				}
			}
			if want[t] {
				best = max(best, float64(found)/float64(len(want)+other))
			}
		}
	}
	return best
}

func FuzzWordSimilarity(f *testing.F) {
	for _, pair := range [][2]string{{"hedphones", "Headphones"}, {"headp", "Wireless headphones"}, {"mug", "Mugs & mugs"},
		{"café", "CAFÉ latte"}, {"", "x"}, {"a-b c", "b c a"}, {"ǅemal", "ǆemal"}, {"x", strings.Repeat("xy ", 40)}} {
		f.Add(pair[0], pair[1])
	}
	f.Fuzz(func(t *testing.T, word, text string) {
		if got, want := WordSimilarity(word, text), wordSimilarityReference(word, text); got != want {
			t.Fatalf("WordSimilarity(%q, %q) = %v, want %v", word, text, got, want)
		}
		if got, want := FuzzyMatch(word, text), wordSimilarityReference(word, text) >= FuzzyThreshold; got != want {
			t.Fatalf("FuzzyMatch(%q, %q) = %v, want %v", word, text, got, want)
		}
	})
}
