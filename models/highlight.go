package models

import (
	"strings"
	"unicode/utf8"
)

// TextSegment is a piece of text to show, marked when it matched the search.
type TextSegment struct {
	Text  string
	Match bool
}

// Highlight splits name into segments and marks its words that the search
// matched: the same word, a longer word it begins ("mug" in "Mugs", a word
// being typed), or a word it matches despite a typo (FuzzyMatch: "hedphones"
// in "Headphones"). Excluded words are never marked. The segments' texts
// joined are name, unchanged: views show each one escaped, so highlighting
// cannot let markup through, and no HTML is built here.
func (t SearchTerms) Highlight(name string) []TextSegment { return t.Highlighter().Highlight(name) }

// Highlighter highlights names for one search: its words' trigrams are made
// once for a page of names.
type Highlighter struct {
	terms []highlightTerm
}

// Highlighter prepares Highlight for many names.
func (t SearchTerms) Highlighter() Highlighter {
	return Highlighter{highlightTermsOf(t.PositiveWords())}
}

// Highlight is SearchTerms.Highlight.
func (h Highlighter) Highlight(name string) []TextSegment {
	terms := h.terms
	if len(terms) == 0 {
		return []TextSegment{{Text: name}}
	}
	var segments []TextSegment
	plainFrom := 0 // start of the text not yet in a segment
	for i := 0; i < len(name); {
		r, size := utf8.DecodeRuneInString(name[i:])
		if notWordRune(r) {
			i += size
			continue
		}
		end := i + size
		for end < len(name) {
			r, size := utf8.DecodeRuneInString(name[end:])
			if notWordRune(r) {
				break
			}
			end += size
		}
		if matchesAnyTerm(strings.ToLower(name[i:end]), terms) {
			if plainFrom < i {
				segments = append(segments, TextSegment{Text: name[plainFrom:i]})
			}
			segments = append(segments, TextSegment{Text: name[i:end], Match: true})
			plainFrom = end
		}
		i = end
	}
	if plainFrom < len(name) || len(segments) == 0 {
		segments = append(segments, TextSegment{Text: name[plainFrom:]})
	}
	return segments
}

// highlightTerm is a searched word and, when long enough for typo tolerance,
// its trigrams, made once per name rather than once per word of it.
type highlightTerm struct {
	word  string
	fuzzy fuzzyWord // nil: prefix only
}

func highlightTermsOf(words []string) []highlightTerm {
	terms := make([]highlightTerm, len(words))
	for i, w := range words {
		terms[i].word = w
		if utf8.RuneCountInString(w) >= fuzzyMinLength {
			terms[i].fuzzy = newFuzzyWord(w)
		}
	}
	return terms
}

func matchesAnyTerm(word string, terms []highlightTerm) bool {
	for _, term := range terms {
		if strings.HasPrefix(word, term.word) || term.fuzzy.matches(word) {
			return true
		}
	}
	return false
}
