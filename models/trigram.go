package models

import (
	"slices"
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
func trigramsOf(s string) []trigram { return appendTrigrams(nil, s) }

// appendTrigrams appends s's trigrams to dst, allocating nothing else.
func appendTrigrams(dst []trigram, s string) []trigram {
	// a and b are the two characters before the next one of the word; the
	// padding's spaces at a word's start.
	a, b, inWord := ' ', ' ', false
	for _, r := range s {
		if notWordRune(r) {
			if inWord {
				dst = append(dst, trigram{a, b, ' '})
				a, b, inWord = ' ', ' ', false
			}
			continue
		}
		r = unicode.ToLower(r)
		dst = append(dst, trigram{a, b, r})
		a, b, inWord = b, r, true
	}
	if inWord {
		dst = append(dst, trigram{a, b, ' '})
	}
	return dst
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
func WordSimilarity(word, text string) float64 { return newFuzzyWord(word).similarity(text) }

// fuzzyWord is a typed word's distinct trigrams, made once for the many texts
// it is compared with (the words of a page's names). Words are short, so
// slices searched in order beat maps: highlighting a page of names cost more
// than rendering it with maps (ten allocations a comparison).
type fuzzyWord []trigram

func newFuzzyWord(word string) fuzzyWord {
	var buf [32]trigram
	seq := appendTrigrams(buf[:0], word)
	want := make(fuzzyWord, 0, len(seq))
	for _, t := range seq {
		if !want.has(t) {
			want = append(want, t)
		}
	}
	return want
}

func (w fuzzyWord) has(t trigram) bool {
	for _, u := range w {
		if u == t {
			return true
		}
	}
	return false
}

// matches is FuzzyMatch(word, text).
func (w fuzzyWord) matches(text string) bool {
	return len(w) > 0 && w.similarity(text) >= FuzzyThreshold
}

func (w fuzzyWord) similarity(text string) float64 {
	if len(w) == 0 {
		return 0
	}
	var buf [32]trigram
	return w.similarityOf(appendTrigrams(buf[:0], text))
}

// similarityOf is similarity with text's trigrams.
func (w fuzzyWord) similarityOf(seq []trigram) float64 {
	// No stretch scores more than the share of the word's trigrams text has
	// at all: most words of a name share none or one, and stop here.
	found := 0
	for _, t := range w {
		for _, u := range seq {
			if u == t {
				found++
				break
			}
		}
	}
	if found == 0 {
		return 0
	}
	best := 0.0
	var buf [32]trigram
	seen := buf[:0]
	// A best stretch starts and ends on one of the word's trigrams: any
	// other trigram at either end only adds to the denominator.
	for i := range seq {
		if !w.has(seq[i]) {
			continue
		}
		seen = seen[:0]
		found, other := 0, 0
		for _, t := range seq[i:] {
			in := w.has(t)
			if !slices.Contains(seen, t) {
				seen = append(seen, t)
				if in {
					found++
				} else {
					other++
				}
			}
			if in {
				best = max(best, float64(found)/float64(len(w)+other))
			}
		}
	}
	return best
}

// FuzzyMatch reports whether word matches text despite a typo or an
// unfinished word (WordSimilarity at least FuzzyThreshold).
func FuzzyMatch(word, text string) bool { return newFuzzyWord(word).matches(text) }
