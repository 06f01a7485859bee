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
func (t SearchTerms) Highlight(name string) []TextSegment {
	terms := t.PositiveWords()
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

func matchesAnyTerm(word string, terms []string) bool {
	for _, term := range terms {
		if strings.HasPrefix(word, term) ||
			(utf8.RuneCountInString(term) >= fuzzyMinLength && FuzzyMatch(term, word)) {
			return true
		}
	}
	return false
}
