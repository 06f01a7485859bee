package models

import (
	"strings"
	"unicode"
)

// FuzzyThreshold is the word similarity from which a typed word matches a
// product name despite a typo or while still being typed. It is pg_trgm's
// default pg_trgm.word_similarity_threshold, which the PostgreSQL search's <%
// operator uses, so both databases accept the same words.
const FuzzyThreshold = 0.6

// trigram is three characters of a padded, lower-cased word.
type trigram [3]rune

// trigramsOf returns the trigrams of s in order, made as pg_trgm makes them:
// every word (a run of letters, digits and combining marks), lower-cased and
// padded with two spaces in front and one behind, gives each run of three
// characters ("mug" gives "  m", " mu", "mug", "ug ").
func trigramsOf(s string) []trigram {
	var out []trigram
	for _, w := range strings.FieldsFunc(s, notWordRune) {
		rs := make([]rune, 0, len(w)+3)
		rs = append(rs, ' ', ' ')
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

func notWordRune(r rune) bool {
	return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r)
}

// WordSimilarity is pg_trgm's word_similarity(word, text): how well word
// matches the best-matching stretch of text, from 0 to 1. For every stretch
// of text's trigram sequence it counts the word's trigrams found there
// against the word's trigrams plus the stretch's other trigrams, and keeps
// the best score. A prefix scores high ("headp" in "headphones": 0.83), and
// so does a word with one typo ("hedphones": 0.62).
func WordSimilarity(word, text string) float64 {
	want := map[trigram]bool{}
	for _, t := range trigramsOf(word) {
		want[t] = true
	}
	if len(want) == 0 {
		return 0
	}
	seq := trigramsOf(text)
	best := 0.0
	seen := map[trigram]bool{}
	// A best stretch starts and ends on one of the word's trigrams: any
	// other trigram at either end only adds to the denominator.
	for i := range seq {
		if !want[seq[i]] {
			continue
		}
		clear(seen)
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

// FuzzyMatch reports whether word matches text despite a typo or an
// unfinished word (WordSimilarity at least FuzzyThreshold).
func FuzzyMatch(word, text string) bool { return WordSimilarity(word, text) >= FuzzyThreshold }
